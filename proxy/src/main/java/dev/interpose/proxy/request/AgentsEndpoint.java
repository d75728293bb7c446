package dev.interpose.proxy.request;

import dev.interpose.proxy.agent.AgentApi;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /interpose/agents/run}: the agents run off the loop; the answer is written back on it. Bounded:
 * the body at most {@link AgentApi#MAX_BODY_BYTES} (413), at most {@link AgentApi#MAX_RUNS_PER_PEER} runs in
 * flight per client address (429); the agents per run are bounded by {@link AgentApi}. Its cancel stops the
 * agents' calls. The request is read and released on the loop before the run starts.
 */
final class AgentsEndpoint implements OffLoopStage {
    private static final Logger LOG = LoggerFactory.getLogger(AgentsEndpoint.class);

    private final RequestFlow flow;
    private final ClientSide client;
    /** Completes when the client goes away during the run: the agents' calls stop. */
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    private AgentsEndpoint(RequestFlow flow, ClientSide client) {
        this.flow = flow;
        this.client = client;
    }

    /** Starts the run and returns the stage, or answers at once (and returns null) when the request is refused. */
    static AgentsEndpoint begin(RequestFlow flow, RequestSettings now, ClientSide client, PeerSlots runs,
            FullHttpRequest request, Arrival arrival) {
        if (!"POST".equals(request.method().name())) {
            client.answerError(request, ApiDialect.RESPONSES, ErrorKind.BAD_REQUEST, AgentApi.PATH + " takes POST",
                    arrival);
            return null;
        }
        if (request.content().readableBytes() > AgentApi.MAX_BODY_BYTES) {
            client.answerError(request, ApiDialect.RESPONSES, ErrorKind.BODY_TOO_LARGE, AgentApi.PATH
                    + " takes a body of at most " + AgentApi.MAX_BODY_BYTES + " bytes", arrival);
            return null;
        }
        String peer = client.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(client.channel().remoteAddress());
        if (!runs.tryAcquire(peer)) {
            client.answerError(request, ApiDialect.RESPONSES, ErrorKind.TOO_MANY_REQUESTS, "this client already has "
                    + AgentApi.MAX_RUNS_PER_PEER + " agent runs in flight; wait for one to end", arrival);
            return null;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        Map<String, String> credentials = HookHandoff.credentials(request.headers());
        HttpHeaders headers = request.headers();
        request.release();
        AgentsEndpoint stage = new AgentsEndpoint(flow, client);
        String requestId = arrival.requestId();
        CompletableFuture.supplyAsync(() -> AgentApi.run(now.commands().agents(), body, credentials, requestId,
                stage.cancelled), now.offLoop()).thenCompose(f -> f)
                .exceptionally(e -> {
                    LOG.error("internal error {} running agents", requestId, e); // the line the 500 points to
                    return new AgentApi.Answer(500, ApiDialect.RESPONSES.errorBody(ErrorKind.INTERNAL,
                            "the agents could not run; see the proxy log for " + requestId));
                })
                .whenComplete((answer, e) -> runs.release(peer))
                .thenAccept(answer -> client.channel().eventLoop().execute(() -> {
                    flow.resumed(stage);
                    if (stage.cancelled.isDone() || !client.channel().isActive()) {
                        return;
                    }
                    client.write(ProxyResponses.complete(HttpResponseStatus.valueOf(answer.status()), answer.body(),
                            "application/json", requestId, arrival.keepAlive()), arrival.keepAlive());
                    HookHandoff.localRecord(now.exchanges(), requestId, headers, AgentApi.PATH, answer.status(),
                            body.length, answer.body().length, arrival.startNanos());
                    client.ended();
                }));
        return stage;
    }

    @Override
    public void cancel() {
        cancelled.complete(null);
    }
}
