package dev.interpose.proxy.request;

import dev.interpose.proxy.agent.AgentRunner;
import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.ModelPeek;
import dev.interpose.proxy.body.ModelRewrite;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import dev.interpose.proxy.exchange.RequestInfo;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The {@link dev.interpose.proxy.exchange.Stage#PREPARING} stage: the body decoded once when it came compressed,
 * its model read, the subagent marker taken off, the request routed (a subagent's call by its model,
 * {@link dev.interpose.proxy.route.Router#agentRoute}) and its model rewritten for the route, and
 * whether a slash command may apply. On the event loop; stateless.
 */
final class Preparation {
    private Preparation() {
    }

    /**
     * A request ready for its hooks.
     *
     * @param request  the request as it goes on (perhaps rewritten); owned by whoever holds this
     * @param body     the body's bytes decompressed, when it came compressed in a coding the proxy reads; else
     *                 null (its bytes are then the request's content, copied when a stage needs them)
     * @param readable whether the proxy can read the body (else it is forwarded as sent, model unknown)
     * @param encoding the body's {@code Content-Encoding}, or null
     * @param subagent whether this is a subagent's own call (no commands, no hooks again)
     * @param command  whether a slash command may apply
     */
    record Prepared(FullHttpRequest request, RequestInfo info, RequestBody body, boolean readable, String encoding,
            boolean subagent, boolean command) {
        /** The body, copied from the request on the first call when it came uncompressed; on the event loop. */
        RequestBody bodyOrCopy() {
            return body != null ? body : RequestBody.copyOf(request.content());
        }
    }

    /** The prepared request, or null when it was answered here (unreadable body, no route); then it is released. */
    static Prepared prepare(RequestSettings now, ClientSide client, FullHttpRequest request, Arrival arrival) {
        String path = arrival.path();
        int maxBody = now.config().listener().maxBodyBytes();
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        boolean encoded = encoding != null && !encoding.equalsIgnoreCase("identity");
        boolean readable = !encoded || ContentCodings.supported(encoding);
        byte[] decoded;
        String model;
        try {
            decoded = encoded && readable ? ContentCodings.decode(request.content(), encoding, maxBody) : null;
            model = !readable ? null : decoded != null ? ModelPeek.of(decoded) : ModelPeek.of(request.content());
        } catch (ProxyException e) {
            Route dialectOnly = now.router().route(path, request.headers(), null);
            client.answerError(request, dialectOnly != null ? ApiDialect.of(path, dialectOnly.dialect())
                    : arrival.guess(), e.kind(), e.getMessage(), arrival);
            return null;
        }
        String agentCall = request.headers().get(AgentRunner.HEADER);
        request.headers().remove(AgentRunner.HEADER); // never sent upstream
        boolean subagent = agentCall != null && agentCall.equals(now.commands().agents().token());
        // an agent's call goes where its model lives; a client's goes where its API does
        Route route = subagent ? now.router().agentRoute(path, request.headers(), model)
                : now.router().route(path, request.headers(), model);
        if (route == null) {
            client.answerError(request, arrival.guess(), ErrorKind.NOT_FOUND, "no upstream serves " + path, arrival);
            return null;
        }
        long bytesIn = request.content().readableBytes();
        String clientModel = null;
        if (route.rewriteModel() != null && model != null && !model.equals(route.rewriteModel())) {
            FullHttpRequest rewritten = rewriteModel(request, decoded, route.rewriteModel());
            if (rewritten != null) {
                request = rewritten;
                decoded = null; // the body is now the rewritten, uncompressed one
                clientModel = model;
                model = route.rewriteModel();
            }
        }
        RequestInfo info = new RequestInfo(arrival.requestId(), ClientKind.of(request.headers()), route,
                request.method().name(), path, arrival.uri(), model, clientModel, bytesIn, arrival.keepAlive(),
                request.protocolVersion().equals(HttpVersion.HTTP_1_1), arrival.startNanos());
        boolean command = !subagent && ApiDialect.forPath(path) != null && readable
                && now.commands().mayApply(decoded != null ? Unpooled.wrappedBuffer(decoded) : request.content());
        return new Prepared(request, info, decoded != null ? RequestBody.of(decoded) : null, readable, encoding,
                subagent, command);
    }

    /**
     * The request with its body's model replaced, or null to forward it unchanged (no top-level model
     * string). A compressed body ({@code decoded} is its decompressed bytes, else null) goes upstream
     * uncompressed. Releases the original when it returns a replacement.
     */
    static FullHttpRequest rewriteModel(FullHttpRequest request, byte[] decoded, String model) {
        ByteBuf plain = decoded != null ? Unpooled.wrappedBuffer(decoded) : request.content();
        ByteBuf body = ModelRewrite.apply(plain, model);
        if (decoded != null) {
            plain.release();
        }
        if (body == null) {
            return null;
        }
        FullHttpRequest rewritten = request.replace(body);
        request.release();
        rewritten.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
        return rewritten;
    }
}
