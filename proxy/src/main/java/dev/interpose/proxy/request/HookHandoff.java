package dev.interpose.proxy.request;

import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.outcome.Outcome;
import dev.interpose.proxy.exchange.RequestInfo;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.SystemMessages;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;
import dev.interpose.proxy.stream.Usage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.Objects;

/**
 * What a request's stages need to hand it to its hooks and take it back, and the records of the answers
 * they give themselves. Stateless.
 */
final class HookHandoff {
    private HookHandoff() {
    }

    /** What the hooks are told about a request besides its body. */
    static RequestHooks.Meta meta(RequestInfo info, HttpHeaders headers) {
        return new RequestHooks.Meta(info.requestId(), info.client().label(), info.client() == ClientKind.CLAUDE,
                info.route().dialect().name().toLowerCase(Locale.ROOT), info.model(), info.route().upstream().name(),
                info.route().name(), info.path(), sessionHeader(headers), credentials(headers), facts(headers));
    }

    /** What Claude Code's headers add for the hooks: the subagent, the prompt id, a compaction's trigger. */
    private static dev.interpose.proxy.hook.ClientFacts facts(HttpHeaders headers) {
        String agent = headers.get("x-claude-code-agent-id");
        String prompt = headers.get("x-claude-code-prompt-id");
        String compaction = headers.get("x-claude-code-compaction");
        if (agent == null && prompt == null && compaction == null) {
            return dev.interpose.proxy.hook.ClientFacts.NONE;
        }
        return new dev.interpose.proxy.hook.ClientFacts(agent, headers.get("x-claude-code-parent-agent-id"),
                headers.get("x-claude-code-agent-type"), prompt, compaction);
    }

    /** The headers a subagent call carries over (credentials, API version); never logged. */
    static java.util.Map<String, String> credentials(HttpHeaders headers) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String name : dev.interpose.proxy.agent.AgentRunner.CARRIED) {
            String value = headers.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** The session a request belongs to, from the headers each CLI sends; null when none. */
    private static String sessionHeader(HttpHeaders headers) {
        String id = headers.get("x-claude-code-session-id");
        if (id == null) {
            id = headers.get("session-id");
        }
        return id != null ? id : headers.get("thread-id");
    }

    /** The request's facts once a hook replaced its body (the model may have changed). */
    static RequestInfo withBody(RequestInfo info, RequestBody body) {
        String model = body.model();
        String clientModel = info.clientModel() != null ? info.clientModel()
                : Objects.equals(model, info.model()) ? null : info.model();
        return new RequestInfo(info.requestId(), info.client(), info.route(), info.method(), info.path(), info.uri(),
                model, clientModel, info.bytesIn(), info.keepAlive(), info.http11(), info.startNanos());
    }

    /** The access-log line of a request the proxy answered itself ({@code /interpose/agents/run}). */
    static void localRecord(ExchangeContext exchanges, String requestId, HttpHeaders headers, String path, int status,
            long bytesIn, long bytesOut, long start) {
        localRecord(exchanges, requestId, headers, "POST", path, status, bytesIn, bytesOut, start);
    }

    /** The same for a request of another method ({@code GET /v1/models}). */
    static void localRecord(ExchangeContext exchanges, String requestId, HttpHeaders headers, String method,
            String path, int status, long bytesIn, long bytesOut, long start) {
        ExchangeRecord record = new ExchangeRecord(requestId, ClientKind.of(headers).label(), "local", "none", method,
                path, null, null, false, status, Outcome.LOCAL, null, null, -1, (System.nanoTime() - start) / 1e6,
                bytesIn, bytesOut, Usage.NONE, null);
        exchanges.recordLocal(record);
    }

    /** The same request sent through another route. */
    static RequestInfo withRoute(RequestInfo info, Route route) {
        return new RequestInfo(info.requestId(), info.client(), route, info.method(), info.path(), info.uri(),
                info.model(), info.clientModel(), info.bytesIn(), info.keepAlive(), info.http11(), info.startNanos());
    }

    /** The same request once a route rewrote its model. */
    static RequestInfo withModel(RequestInfo info, String model) {
        String clientModel = info.clientModel() != null ? info.clientModel() : info.model();
        return new RequestInfo(info.requestId(), info.client(), info.route(), info.method(), info.path(), info.uri(),
                model, clientModel, info.bytesIn(), info.keepAlive(), info.http11(), info.startNanos());
    }

    /** The error answer when the hooks could not be given the request and one is fail-closed, logged and counted. */
    static FullHttpResponse refusal(ExchangeContext exchanges, RequestInfo info, RequestHooks.Decision decision) {
        ErrorKind kind = decision.refused();
        exchanges.recordLocal(new ExchangeRecord(info.requestId(), info.client().label(), info.route().name(),
                info.route().upstream().name(), info.method(), info.path(), info.model(), info.clientModel(), false,
                kind.status(), Outcome.FAILED, kind, decision.reason(), -1,
                (System.nanoTime() - info.startNanos()) / 1e6, info.bytesIn(), 0, Usage.NONE, null));
        return ProxyResponses.error(info.dialect(), kind, decision.reason(), info.requestId(), info.keepAlive());
    }

    /**
     * The proxy's own answer when a hook blocked the request ({@code blocked}) or a command answered it
     * ({@code /commands}: {@code local}), logged and counted.
     */
    static FullHttpResponse reply(ExchangeContext exchanges, RequestInfo info, RequestHooks.Decision decision) {
        boolean blocked = decision.blocked();
        String text = decision.stopped() ? decision.reason()
                : blocked ? "Interpose blocked this request: hook " + decision.blockedBy() + " said: " + decision.reason()
                : decision.reply();
        ApiDialect.Reply reply = info.dialect().reply(decision.stream(), info.model(), info.requestId(),
                SystemMessages.before(decision.systemMessages(), text));
        ExchangeRecord record = new ExchangeRecord(info.requestId(), info.client().label(), info.route().name(),
                info.route().upstream().name(), info.method(), info.path(), info.model(), info.clientModel(),
                decision.stream(), 200, blocked ? Outcome.BLOCKED : Outcome.LOCAL, null,
                decision.stopped() ? "stopped by hook " + decision.blockedBy() + " (continue: false)"
                        : blocked ? "blocked by hook " + decision.blockedBy() : "answered by the proxy", -1,
                (System.nanoTime() - info.startNanos()) / 1e6, info.bytesIn(), reply.bytes().length, Usage.NONE, null)
                .withSessionTitle(decision.sessionTitle());
        exchanges.recordLocal(record);
        return ProxyResponses.complete(HttpResponseStatus.OK, reply.bytes(), reply.contentType(), info.requestId(),
                info.keepAlive());
    }
}
