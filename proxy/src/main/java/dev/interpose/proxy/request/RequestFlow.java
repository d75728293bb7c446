package dev.interpose.proxy.request;

import dev.interpose.proxy.agent.AgentApi;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.dialect.translate.AnswerNotice;
import dev.interpose.proxy.dialect.translate.TranslatedCall;
import dev.interpose.proxy.hook.SystemMessages;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.Exchange;
import dev.interpose.proxy.exchange.RequestInfo;
import dev.interpose.proxy.exchange.Stage;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.route.ClientKind;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from its arrival to its {@link Exchange} or the proxy's own answer, conducted stage by stage:
 * {@link Preparation} ({@link Stage#PREPARING}), {@link HookStage} ({@link Stage#REQUEST_HOOKS}),
 * {@link CacheKeyStage}, then the exchange; {@code /interpose/agents/run} is {@link AgentsEndpoint}. At most
 * one stage works off the event loop at a time, and {@link #cancel} stops it. Confined to the client channel's
 * event loop.
 */
public final class RequestFlow {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFlow.class);

    private final RequestSettings now;
    private final ClientSide client;
    private final PeerSlots agentRuns;
    private final FullHttpRequest request;
    private final Arrival arrival;
    private Stage stage = Stage.RECEIVED;
    /** The stage working off the event loop, or null. */
    private OffLoopStage pending;
    private Exchange exchange;

    /**
     * @param agentRuns the agents API's runs in flight per client address, shared by every connection
     * @param request   the request; ownership passes to the flow
     */
    public RequestFlow(RequestSettings now, ClientSide client, PeerSlots agentRuns, FullHttpRequest request,
            Arrival arrival) {
        this.now = now;
        this.client = client;
        this.agentRuns = agentRuns;
        this.request = request;
        this.arrival = arrival;
    }

    /** Takes the request through its stages, as far as they go on the loop. */
    public void start() {
        stage = Stage.PREPARING;
        if (AgentApi.PATH.equals(arrival.path())) {
            AgentsEndpoint run = AgentsEndpoint.begin(this, now, client, agentRuns, request, arrival);
            if (run != null) {
                stage = Stage.REQUEST_HOOKS; // with its subagents
                offLoop(run);
            }
            return;
        }
        if ("websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            // Codex's built-in provider tries a WebSocket first; 426 makes it fall back to HTTP at once.
            client.answerError(request, ApiDialect.RESPONSES, ErrorKind.UPGRADE_REQUIRED,
                    "WebSocket is not supported by this proxy; use HTTP with server-sent events", arrival);
            return;
        }
        if (ModelList.answersHere(now.config(), request, arrival.path())) {
            ModelList.answer(now, client, request, arrival);
            return;
        }
                Preparation.Prepared prepared = Preparation.prepare(now, client, request, arrival);
        if (prepared != null) {
            HookStage hooks = HookStage.begin(this, now, client, prepared);
            if (hooks != null) {
                stage = Stage.REQUEST_HOOKS;
                offLoop(hooks);
            }
        }
    }

    /** Whether the request is still being served: a stage at work off the loop, or its exchange live. */
    public boolean isLive() {
        return pending != null || (exchange != null && exchange.isLive());
    }

    /** Whether its exchange has started and not ended (an error now cannot be answered with a fresh head). */
    public boolean exchangeLive() {
        return exchange != null && exchange.isLive();
    }

    /** Where the request is: its exchange's stage once it has one. */
    public Stage stage() {
        return exchange != null ? exchange.stage() : stage;
    }

    /** The client went away: the stage at work stops, or the exchange is cancelled. */
    public void cancel() {
        if (pending != null) {
            OffLoopStage stopping = pending;
            pending = null;
            stage = Stage.CANCELLED;
            stopping.cancel();
        }
        if (exchange != null) {
            exchange.cancel();
        }
    }

    /** The client channel's writability changed. */
    public void onClientWritable() {
        if (exchange != null) {
            exchange.onClientWritable();
        }
    }

    /**
     * {@code stage} (when not null) went off the loop. Never cleared here: a stage that went on at once may
     * have handed the request to a later one that did.
     */
    private void offLoop(OffLoopStage stage) {
        if (stage != null) {
            pending = stage;
        }
    }

    /** {@code back} came back to the loop from its work. */
    void resumed(OffLoopStage back) {
        if (pending == back) {
            pending = null;
        }
    }

    /**
     * Past the hooks: the cache key, then the exchange. {@code meta} is set when hooks may see the response,
     * {@code body} is the request's body when a stage already took it (else null).
     */
    void forward(FullHttpRequest request, RequestInfo info, RequestHooks.Meta meta, RequestBody body) {
        stage = Stage.PREPARING;
        if (TokenCount.answersHere(info)) {
            offLoop(TokenCount.begin(this, now, client, request, body, info));
            return;
        }
        UpstreamCheck.Refusal refusal = UpstreamCheck.of(info, request.headers());
        if (refusal != null) {
            client.answerError(request, info.dialect(), refusal.kind(), refusal.message(), new Arrival(
                    info.requestId(), info.startNanos(), info.keepAlive(), info.uri(), info.path(), info.dialect()));
            client.ended();
            return;
        }
        ResponseHooks responseHooks = now.hooks().forClient(info.client() == ClientKind.CODEX).response();
        ResponseHooks.Tap tap = meta != null && responseHooks.wants(info.path(), meta.claudeCode())
                ? responseHooks.tap(meta) : null;
        offLoop(CacheKeyStage.begin(this, now, client, request, info, body,
                ticket -> offLoop(TranslateStage.begin(this, now, client, request, info, body,
                        () -> settle(ticket), (sent, sentInfo, call) -> begin(sent, sentInfo, tap, ticket, call)))));
    }

    private static void settle(ResponseCache.Ticket ticket) {
        if (ticket != null) {
            ticket.settle(); // answered before its exchange: those waiting on it go upstream themselves
        }
    }

    private void begin(FullHttpRequest request, RequestInfo info, ResponseHooks.Tap tap, ResponseCache.Ticket ticket,
            TranslatedCall call) {
        if (!info.systemMessages().isEmpty()) { // the hooks' messages for the person, before the model's answer
            call = AnswerNotice.around(call, info.dialect(), SystemMessages.before(info.systemMessages(), "").strip());
            settle(ticket); // an answer with this request's notice is neither stored nor replayed
            ticket = null;
        }
        exchange = new Exchange(now.exchanges(), client.channel(), request, info, tap, ticket, call, client::ended);
        exchange.start();
    }

    /** A bug of ours back on the event loop: the request released, and a 500 unless an exchange already answers. */
    void failInternally(FullHttpRequest request, RequestInfo info, String when, RuntimeException e) {
        LOG.error("internal error {} {}", when, info.requestId(), e);
        if (request.refCnt() > 0) {
            request.release();
        }
        if (!exchangeLive()) {
            client.write(ProxyResponses.error(info.dialect(), ErrorKind.INTERNAL, "internal proxy error ("
                    + e.getClass().getSimpleName() + "); see the proxy log for " + info.requestId(),
                    info.requestId(), false), false);
        }
    }
}
