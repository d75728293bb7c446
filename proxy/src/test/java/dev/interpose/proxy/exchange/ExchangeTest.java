package dev.interpose.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.interpose.config.HookEvent;
import dev.interpose.config.RetryConfig;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.PassingHook;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.upstream.Bulkhead;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Exchange} stage by stage on {@link io.netty.channel.embedded.EmbeddedChannel}s ({@link ExchangeRig}):
 * what the client receives and the one {@link Result}, for an answer relayed whole, a retry, a full bulkhead,
 * and the client leaving in each live stage (the cancel path: nothing more reaches the client, the upstream
 * connection is closed, every slot and buffer given back).
 */
@Timeout(30)
class ExchangeTest {
    private static final String OK_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n";
    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            + "transfer-encoding: chunked\r\n\r\n";

    private final ExchangeRig rig = new ExchangeRig().upstream("a");

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    @Test
    void theUpstreamsAnswerReachesTheClientWholeAndTheResultIsOk() {
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        assertThat(exchange.stage()).as(String.valueOf(exchange.result())).isEqualTo(Stage.AWAITING_HEAD);
        String sent = rig.sentUpstream(0);
        assertThat(sent).startsWith("POST /v1/messages HTTP/1.1").contains("host: a.test").endsWith(ExchangeRig.BODY);

        rig.answer(0, OK_HEAD + "{\"answer\":1}");

        assertThat(rig.received()).startsWith("HTTP/1.1 200 OK").contains("x-request-id: req-1")
                .endsWith("\r\n\r\n{\"answer\":1}");
        assertThat(exchange.stage()).isEqualTo(Stage.DONE);
        assertThat(exchange.result()).isEqualTo(Result.ok());
        assertThat(rig.ends).as("the connection may serve the next request").isEqualTo(1);
        assertThat(rig.bulkheads.get("a").running()).isZero();
        assertFalse(rig.finish());
    }

    @Test
    void aRetryableStatusIsTriedAgainAfterTheBackOffAndOnlyTheSecondAnswerReachesTheClient() {
        ExchangeRig rig = new ExchangeRig().upstream("a", new RetryConfig(2, Duration.ofMillis(200),
                Duration.ofSeconds(5)), 8, List.of());
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        rig.answer(0, "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\n\r\nbusy");
        assertThat(exchange.stage()).isEqualTo(Stage.RETRY_WAIT);
        assertThat(rig.upstreamConnection(0).isActive()).as("the failed attempt's connection is dropped").isFalse();
        assertThat(rig.received()).isEmpty();

        rig.advance(Duration.ofSeconds(1)); // past the longest jittered back-off
        assertThat(exchange.stage()).isEqualTo(Stage.AWAITING_HEAD);
        assertThat(rig.sentUpstream(1)).endsWith(ExchangeRig.BODY);
        rig.answer(1, OK_HEAD + "{\"answer\":2}");

        assertThat(rig.received()).startsWith("HTTP/1.1 200 OK").endsWith("{\"answer\":2}").doesNotContain("busy");
        assertThat(exchange.result()).isEqualTo(Result.ok());
        assertFalse(rig.finish());
    }

    @Test
    void aBulkheadWithNoFreeSlotWithinItsWaitAnswers503InTheClientsDialect() {
        ExchangeRig rig = new ExchangeRig().upstream("a", new RetryConfig(1, Duration.ofMillis(100),
                Duration.ofSeconds(1)), 1, List.of());
        Bulkhead bulkhead = rig.bulkheads.get("a");
        assertThat(bulkhead.enter(rig.client.eventLoop(), () -> { })).as("the one slot taken").isNull();
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        assertThat(exchange.stage()).isEqualTo(Stage.QUEUED);

        rig.advance(Duration.ofSeconds(11));

        assertThat(exchange.result().kind()).isEqualTo(ErrorKind.UPSTREAM_BUSY);
        assertThat(rig.received()).startsWith("HTTP/1.1 503").contains("\"type\":\"error\"")
                .contains("no slot freed within 10000 ms");
        assertThat(rig.upstreams).as("no connection opened").isEmpty();
        assertThat(bulkhead.waiting()).isZero();
        bulkhead.release();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingInTheCacheWaitEndsItCancelledAndTheLeadersEndWakesNothing() {
        ResponseCache.Ticket leader = rig.cache.admit(rig.key(), false);
        ResponseCache.Ticket follower = rig.cache.admit(rig.key(), false);
        assertThat(follower.follows()).isTrue();
        Exchange exchange = rig.exchange("a", null, follower);
        exchange.start();
        rig.run();
        assertThat(exchange.stage()).isEqualTo(Stage.CACHE_WAIT);

        exchange.cancel();
        leader.settle(); // the identical request ends, storing nothing
        rig.advance(Duration.ofSeconds(60)); // past the follower's own wait limit too

        assertCancelledWithNothingSent(exchange);
        assertThat(rig.upstreams).as("the cancelled follower never went upstream").isEmpty();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingWhileQueuedLeavesTheQueueAndALaterSlotIsNotTaken() {
        ExchangeRig rig = new ExchangeRig().upstream("a", new RetryConfig(1, Duration.ofMillis(100),
                Duration.ofSeconds(1)), 1, List.of());
        Bulkhead bulkhead = rig.bulkheads.get("a");
        assertThat(bulkhead.enter(rig.client.eventLoop(), () -> { })).isNull();
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        assertThat(exchange.stage()).isEqualTo(Stage.QUEUED);
        assertThat(bulkhead.waiting()).isEqualTo(1);

        exchange.cancel();
        bulkhead.release();
        rig.run();

        assertCancelledWithNothingSent(exchange);
        assertThat(bulkhead.waiting()).isZero();
        assertThat(bulkhead.running()).as("the freed slot was not handed to the cancelled exchange").isZero();
        assertThat(rig.upstreams).isEmpty();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingInTheRetryWaitStopsTheRetry() {
        ExchangeRig rig = new ExchangeRig().upstream("a", new RetryConfig(3, Duration.ofMillis(200),
                Duration.ofSeconds(5)), 8, List.of());
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        rig.answer(0, "HTTP/1.1 529 Overloaded\r\ncontent-length: 0\r\n\r\n");
        assertThat(exchange.stage()).isEqualTo(Stage.RETRY_WAIT);

        exchange.cancel();
        rig.advance(Duration.ofSeconds(5));

        assertCancelledWithNothingSent(exchange);
        assertThat(rig.upstreams).as("no second attempt").hasSize(1);
        assertThat(rig.bulkheads.get("a").running()).isZero();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingWhileConnectingClosesTheConnectionThatArrivesLate() {
        Exchange exchange = rig.exchange("a");
        exchange.start(); // the connection is under way: it completes only when the loop runs
        assertThat(exchange.stage()).isEqualTo(Stage.CONNECTING);

        exchange.cancel();
        rig.run();

        assertCancelledWithNothingSent(exchange);
        assertThat(rig.upstreams).hasSize(1);
        assertThat(rig.upstreamConnection(0).isActive()).as("discarded, never pooled").isFalse();
        assertThat(rig.upstreamConnection(0).outboundMessages()).as("nothing was sent on it").isEmpty();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingWhileAwaitingTheHeadClosesTheUpstreamConnection() {
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        assertThat(exchange.stage()).isEqualTo(Stage.AWAITING_HEAD);
        assertThat(rig.sentUpstream(0)).endsWith(ExchangeRig.BODY);

        exchange.cancel();
        rig.run();

        assertCancelledWithNothingSent(exchange);
        assertThat(rig.upstreamConnection(0).isActive()).as("that stops the model generating").isFalse();
        assertThat(rig.bulkheads.get("a").running()).isZero();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingMidStreamClosesTheUpstreamAndNothingMoreIsRelayed() {
        Exchange exchange = rig.exchange("a");
        exchange.start();
        rig.run();
        rig.answer(0, STREAM_HEAD + chunk("event: ping\ndata: {}\n\n"));
        assertThat(exchange.stage()).isEqualTo(Stage.STREAMING);
        String before = rig.received();
        assertThat(before).startsWith("HTTP/1.1 200 OK").contains("event: ping");

        exchange.cancel();
        rig.run();

        assertThat(exchange.stage()).isEqualTo(Stage.CANCELLED);
        assertThat(exchange.result()).isEqualTo(Result.cancelled());
        assertThat(rig.upstreamConnection(0).isActive()).isFalse();
        assertThat(rig.received()).as("nothing after the cancel").isEqualTo(before);
        assertThat(rig.ends).isZero();
        assertFalse(rig.finish());
    }

    @Test
    void theClientLeavingWhileAGateHoldsAToolCallEndsItCancelledAndTheCallNeverReachesTheClient() {
        List<Runnable> neverRun = new ArrayList<>();
        Executor hookThreads = neverRun::add; // the PreToolUse hook never decides
        ResponseHooks hooks = new ResponseHooks(new HookPipeline(List.of(new PassingHook("hold", HookEvent.PRE_TOOL_USE)), hookThreads),
                Path.of("."), hookThreads, new HookLog(rig.registry));
        ResponseHooks.Tap tap = hooks.tap(new RequestHooks.Meta("req-1", "claude", true, "anthropic", "claude-x", "a",
                "default", "/v1/messages", null, Map.of()));
        Exchange exchange = rig.exchange("a", tap, null);
        exchange.start();
        rig.run();
        String stream = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8);
        rig.answer(0, STREAM_HEAD + chunk(stream) + "0\r\n\r\n");
        assertThat(exchange.stage()).isEqualTo(Stage.HOLDING);
        assertThat(rig.received()).startsWith("HTTP/1.1 200 OK").contains("Calling Read.")
                .doesNotContain("toolu_fake");

        exchange.cancel();
        rig.run();

        assertThat(exchange.result()).isEqualTo(Result.cancelled());
        assertThat(rig.received()).doesNotContain("toolu_fake").doesNotContain("message_stop");
        assertThat(rig.ends).isZero();
        assertFalse(rig.finish());
    }

    private void assertCancelledWithNothingSent(Exchange exchange) {
        assertThat(exchange.stage()).isEqualTo(Stage.CANCELLED);
        assertThat(exchange.result()).isEqualTo(Result.cancelled());
        assertThat(exchange.isLive()).isFalse();
        assertThat(rig.received()).as("the client gets nothing once it left").isEmpty();
        assertThat(rig.ends).as("a cancelled exchange serves no next request").isZero();
    }
}
