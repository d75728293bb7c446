package dev.interpose.proxy.request;

import dev.interpose.proxy.exchange.RequestInfo;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.request.Preparation.Prepared;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;
import dev.interpose.proxy.body.RequestBody;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link dev.interpose.proxy.exchange.Stage#REQUEST_HOOKS} stage: the request's slash commands and
 * {@code UserPromptSubmit}-style hooks run off the event loop on a copy of its body; back on the loop, the
 * request is forwarded (its body perhaps replaced, then routed and its model rewritten again) or answered
 * (blocked, refused, a command's own reply). Its cancel stops the hooks and the subagents they started.
 *
 * <p>Buffers: the stage owns the request from {@link #begin} until it hands it on or releases it.
 */
final class HookStage implements OffLoopStage {
    private final RequestFlow flow;
    private final RequestSettings now;
    private final ClientSide client;
    /** Completes when the client goes away while its request is with its hooks: they stop. */
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    private HookStage(RequestFlow flow, RequestSettings now, ClientSide client) {
        this.flow = flow;
        this.now = now;
        this.client = client;
    }

    /**
     * Hands the request to its hooks and returns the stage, or forwards it at once ({@link RequestFlow#forward})
     * and returns null when no hook and no command wants it (no copy, no parse).
     */
    static HookStage begin(RequestFlow flow, RequestSettings now, ClientSide client, Prepared p) {
        FullHttpRequest request = p.request();
        RequestInfo info = p.info();
        boolean claudeCode = info.client() == ClientKind.CLAUDE;
        Hooks hooks = now.hooks().forClient(info.client() == ClientKind.CODEX);
        if (p.subagent() || (!p.command() && !hooks.wants(info.path(), claudeCode))) {
            flow.forward(request, info, null, p.body());
            return null;
        }
        RequestHooks.Meta meta = HookHandoff.meta(info, request.headers());
        if (hooks.response().gates(info.path(), claudeCode)) {
            // The gate reads the stream to hold tool calls back: ask the upstream for it uncompressed.
            request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        }
        if (!p.command() && !hooks.request().wants(info.path(), claudeCode)) {
            flow.forward(request, info, meta, p.body());
            return null;
        }
        HookStage stage = new HookStage(flow, now, client);
        stage.handOff(p, meta);
        return stage;
    }

    private void handOff(Prepared p, RequestHooks.Meta meta) {
        RequestBody body = p.bodyOrCopy(); // the hooks' and the commands' (and then the cache key's)
        RequestHooks hooks = now.hooks().forClient(p.info().client() == ClientKind.CODEX).request();
        (p.readable() ? hooks.apply(body, meta, p.command() ? now.commands() : null, cancelled)
                : hooks.unreadable(meta, "its Content-Encoding " + p.encoding() + " is not one the proxy decodes"))
                .whenComplete((decision, error) -> client.channel().eventLoop().execute(() ->
                        back(p.request(), p.readable() ? body : null, p.info(), meta, decision, error)));
    }

    @Override
    public void cancel() {
        cancelled.complete(null);
    }

    /** Back on the event loop with what the hooks decided. */
    private void back(FullHttpRequest request, RequestBody body, RequestInfo info, RequestHooks.Meta meta,
            RequestHooks.Decision decision, Throwable error) {
        flow.resumed(this);
        try {
            if (error != null) {
                throw new IllegalStateException("the request hooks failed", error);
            }
            afterHooks(request, body, info, meta, decision);
        } catch (RuntimeException e) {
            flow.failInternally(request, info, "after the hooks of", e);
        }
    }

    /** {@code body} is the request's body as the hooks were given it; null when it could not be. */
    private void afterHooks(FullHttpRequest request, RequestBody body, RequestInfo info, RequestHooks.Meta meta,
            RequestHooks.Decision decision) {
        if (cancelled.isDone() || !client.channel().isActive()) {
            request.release();
            return;
        }
        if (decision.refused() != null) {
            request.release();
            client.write(HookHandoff.refusal(now.exchanges(), info, decision), info.keepAlive());
            client.ended();
            return;
        }
        if (decision.blocked() || decision.reply() != null) {
            request.release();
            client.write(HookHandoff.reply(now.exchanges(), info, decision), info.keepAlive());
            client.ended();
            return;
        }
        if (decision.body() != null) {
            body = decision.body();
            FullHttpRequest replaced = request.replace(Unpooled.wrappedBuffer(body.bytes()));
            request.release();
            try {
                replaced.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
                String before = info.model();
                info = HookHandoff.withBody(info, body);
                Route again = Objects.equals(before, info.model()) ? null
                        : now.router().route(info.path(), replaced.headers(), info.model());
                if (again != null) {
                    // A command or hook chose another model: another route may serve it, and the route (an alias, a
                    // short name) may send another name for it, even when the route is the same.
                    if (!again.equals(info.route())) {
                        info = HookHandoff.withRoute(info, again);
                    }
                    if (again.rewriteModel() != null && !again.rewriteModel().equals(info.model())) {
                        FullHttpRequest rewritten = Preparation.rewriteModel(replaced, null, again.rewriteModel());
                        if (rewritten != null) {
                            replaced = rewritten;
                            body = null; // the body changed again
                            info = HookHandoff.withModel(info, again.rewriteModel());
                        }
                    }
                }
                meta = HookHandoff.meta(info, replaced.headers());
            } catch (RuntimeException e) {
                flow.failInternally(replaced, info, "after the hooks of", e); // the request that is live now
                return;
            }
            request = replaced;
        }
        if (decision.sessionTitle() != null || !decision.systemMessages().isEmpty()) {
            info = info.withHookNotes(decision.sessionTitle(), decision.systemMessages());
        }
        if (!decision.systemMessages().isEmpty()) {
            // The messages go before the answer, which the proxy then reads: ask the upstream for it uncompressed.
            request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        }
        flow.forward(request, info, meta, body);
    }
}
