package dev.interpose.proxy.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.dialect.translate.TokenEstimate;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.RequestInfo;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/messages/count_tokens} for a route whose upstream is not Anthropic's API, which has no such call:
 * answered here with {@link TokenEstimate}'s estimate, marked {@code x-interpose-token-estimate: true}, rather than
 * sent to an upstream that cannot read it. Reading the body and counting are the work a translation would do, so
 * they follow its rule: on the event loop up to {@link Limits#TRANSLATE_ON_LOOP_BYTES}, off it (then this stage
 * is pending, and comes back to the loop to write) above. Claude Code counts its whole conversation, which grows
 * past that. The request is held until the answer is written, and released on the loop.
 */
final class TokenCount implements OffLoopStage {
    static final String HEADER = "x-interpose-token-estimate";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestFlow flow;
    private final ClientSide client;
    private boolean cancelled;

    private TokenCount(RequestFlow flow, ClientSide client) {
        this.flow = flow;
        this.client = client;
    }

    /** Whether the proxy answers this request itself. */
    static boolean answersHere(RequestInfo info) {
        return info.path().equals("/v1/messages/count_tokens")
                && info.route().upstream().dialect().family() != Dialect.ANTHROPIC;
    }

    /**
     * Answers the estimate, or a 400 in Anthropic's shape when the body is not one JSON object: at once, or once
     * counted off the loop; returns the stage in the latter case, else null. Releases the request either way.
     *
     * @param body the request's body when a stage already took it, else null
     */
    static TokenCount begin(RequestFlow flow, RequestSettings now, ClientSide client, FullHttpRequest request,
            RequestBody body, RequestInfo info) {
        RequestBody read = body != null ? body : RequestBody.copyOf(request.content());
        TokenCount stage = new TokenCount(flow, client);
        if (read.bytes().length <= Limits.TRANSLATE_ON_LOOP_BYTES) {
            stage.back(now, request, info, estimate(read));
            return null;
        }
        CompletableFuture.supplyAsync(() -> estimate(read), now.offLoop())
                .whenComplete((answer, error) -> client.channel().eventLoop().execute(() -> {
                    flow.resumed(stage);
                    if (error != null) {
                        flow.failInternally(request, info, "estimating tokens", new IllegalStateException(error));
                    } else {
                        stage.back(now, request, info, answer);
                    }
                }));
        return stage;
    }

    /** What the answer says: the estimate's JSON, or why the body could not be read. */
    private record Estimate(byte[] json, String unreadable) {
    }

    private static Estimate estimate(RequestBody body) {
        try {
            return new Estimate(JSON.writeValueAsBytes(TokenEstimate.countTokensAnswer(body.json())), null);
        } catch (UnreadableBodyException e) {
            return new Estimate(null, e.getMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the estimate could not be written", e);
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    private void back(RequestSettings now, FullHttpRequest request, RequestInfo info, Estimate estimate) {
        try {
            if (cancelled || !client.channel().isActive()) {
                return;
            }
            FullHttpResponse response;
            if (estimate.unreadable() != null) {
                response = ProxyResponses.error(info.dialect(), ErrorKind.BAD_REQUEST, "request body could not be "
                        + "read to estimate its tokens: " + estimate.unreadable(), info.requestId(), info.keepAlive());
            } else {
                response = ProxyResponses.complete(HttpResponseStatus.OK, estimate.json(),
                        HttpHeaderValues.APPLICATION_JSON, info.requestId(), info.keepAlive());
                response.headers().set(HEADER, "true");
                HookHandoff.localRecord(now.exchanges(), info.requestId(), request.headers(), info.path(), 200,
                        info.bytesIn(), estimate.json().length, info.startNanos());
            }
            client.write(response, info.keepAlive());
            client.ended();
        } finally {
            request.release();
        }
    }
}
