package dev.interpose.proxy.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.proxy.PassingHook;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ResponseRelay} through its exchange on {@link io.netty.channel.embedded.EmbeddedChannel}s
 * ({@link ExchangeRig}): backpressure, a cache replay taking the same path as an upstream's answer, an HTTP/1.0
 * client, the upstream cutting the body short, and a gated stream read whole before it is stored.
 */
@Timeout(30)
class ResponseRelayTest {
    private static final String JSON_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n"
            + "x-request-id: up-7\r\n\r\n";

    private final ExchangeRig rig = new ExchangeRig().upstream("a");

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    private Exchange streaming(ResponseCache.Ticket ticket) {
        Exchange exchange = rig.exchange("a", null, ticket);
        exchange.start();
        rig.run();
        rig.answer(0, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                + chunk("event: ping\ndata: {}\n\n"));
        assertThat(exchange.stage()).isEqualTo(Stage.STREAMING);
        return exchange;
    }

    @Test
    void aClientThatCannotTakeMoreStopsTheUpstreamReadsUntilItDrains() {
        Exchange exchange = streaming(null);
        rig.client.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // a slow client

        rig.answer(0, chunk("event: ping\ndata: {\"n\":2}\n\n"));
        assertThat(rig.upstreamConnection(0).config().isAutoRead()).as("reading stopped").isFalse();

        rig.client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        exchange.onClientWritable();
        assertThat(rig.upstreamConnection(0).config().isAutoRead()).as("reading resumed").isTrue();

        rig.answer(0, "0\r\n\r\n");
        assertThat(rig.received()).contains("{\"n\":2}").endsWith("0\r\n\r\n");
        assertThat(exchange.result()).isEqualTo(Result.ok());
        assertFalse(rig.finish());
    }

    @Test
    void aStoredAnswerIsReplayedToTheNextIdenticalRequestWithoutAnUpstream() {
        Exchange first = rig.exchange("a", null, rig.cache.admit(rig.key(), false));
        first.start();
        rig.run();
        rig.answer(0, JSON_HEAD + "{\"answer\":1}");
        assertThat(rig.received()).contains("x-interpose-cache: miss").endsWith("{\"answer\":1}");
        assertThat(first.result()).isEqualTo(Result.ok());

        ResponseCache.Ticket again = rig.cache.admit(rig.key(), false);
        assertThat(again.hit()).as("stored by the first").isNotNull();
        int before = rig.received().length();
        Exchange second = rig.exchange("a", null, again);
        second.start();
        rig.run();

        String replay = rig.received().substring(before);
        assertThat(replay).startsWith("HTTP/1.1 200 OK").contains("x-interpose-cache: hit").contains("age: ")
                .contains("x-upstream-request-id: up-7").endsWith("{\"answer\":1}");
        assertThat(second.result()).isEqualTo(Result.ok());
        assertThat(rig.upstreams).as("the replay asked no upstream").hasSize(1);
        assertFalse(rig.finish());
    }

    @Test
    void anHttp10ClientGetsTheBodyToTheCloseInsteadOfChunks() {
        Exchange exchange = new Exchange(rig.context(), rig.client, ExchangeRig.request(), rig.info("a", true, false),
                null, null, () -> rig.ends++);
        exchange.start();
        rig.run();
        rig.answer(0, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                + chunk("event: ping\ndata: {}\n\n") + "0\r\n\r\n");

        String received = rig.received();
        assertThat(received).startsWith("HTTP/1.0 200 OK").doesNotContainIgnoringCase("transfer-encoding")
                .endsWith("\r\n\r\nevent: ping\ndata: {}\n\n");
        assertThat(exchange.result()).isEqualTo(Result.ok());
        rig.run();
        assertThat(rig.client.isActive()).as("the close ends the body").isFalse();
        assertThat(rig.ends).isZero();
        assertFalse(rig.finish());
    }

    @Test
    void anUpstreamThatClosesMidBodyClosesTheClientWithoutACleanEnd() {
        Exchange exchange = streaming(null);

        rig.upstreamConnection(0).close();
        rig.run();

        assertThat(exchange.result().kind()).isEqualTo(ErrorKind.UPSTREAM_TRUNCATED);
        assertThat(rig.received()).contains("event: ping").doesNotContain("0\r\n\r\n");
        assertThat(rig.client.isActive()).as("the client sees the truncation").isFalse();
        assertFalse(rig.finish());
    }

    @Test
    void behindAGateAStreamWhoseLastByteEndsItsLastEventIsReadWholeBeforeItIsStored() {
        Executor now = Runnable::run;
        ResponseHooks hooks = new ResponseHooks(new HookPipeline(List.of(new PassingHook("pass", HookEvent.PRE_TOOL_USE)), now), Path.of("."), now,
                new HookLog(rig.registry));
        ResponseHooks.Tap tap = hooks.tap(new RequestHooks.Meta("req-1", "claude", true, "anthropic", "claude-x", "a",
                "default", "/v1/messages", null, Map.of()));
        Exchange exchange = rig.exchange("a", tap, rig.cache.admit(rig.key(), false));
        exchange.start();
        rig.run();
        // CR line endings: the gate cannot frame the last event before the body's end tells that no LF follows.
        String stream = "event: message_start\rdata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\","
                + "\"usage\":{\"input_tokens\":3}}}\r\revent: message_stop\rdata: {\"type\":\"message_stop\"}\r\r";
        rig.answer(0, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                + chunk(stream) + "0\r\n\r\n");

        assertThat(exchange.result()).isEqualTo(Result.ok());
        assertThat(rig.received()).contains("x-interpose-cache: miss")
                .contains("event: message_stop\rdata: {\"type\":\"message_stop\"}\r\r");
        assertThat(rig.cache.admit(rig.key(), false).hit())
                .as("the gate framed the last event before the cache asked whether the stream ended cleanly").isNotNull();
        assertFalse(rig.finish());
    }
}
