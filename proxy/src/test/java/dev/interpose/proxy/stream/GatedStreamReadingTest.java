package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookResult;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseGate;
import dev.interpose.proxy.hook.ResponseHooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream behind the tool gate is decoded once: the gate's framing reads the upstream's events for itself and
 * for usage, and hands the events the client gets to the after-hooks' assembler, so neither decodes again. The
 * calls below are the exchange's own ({@code ResponseRelay}): each chunk to the observer and the gate, each
 * write of the gate back to the tap, the end of input before the observer is read.
 */
@Timeout(30)
class GatedStreamReadingTest {
    private static final Executor NOW = Runnable::run;
    private static final byte[] MESSAGES_TOOL = Fixtures.bytes("sample-anthropic-tool-sse.txt");
    private static final byte[] RESPONSES_TOOL = Fixtures.bytes("sample-responses-tool-sse.txt");
    /** A Chat stream with CR line endings, whose last byte is the CR that ends its last event. */
    private static final byte[] CHAT_CR = ("data: {\"model\":\"g\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\r\r"
            + "data: {\"model\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\r\r"
            + "data: [DONE]\r\r").getBytes(StandardCharsets.UTF_8);
    /** A Chat stream whose last event the upstream never ended: no decoder dispatches it. */
    private static final byte[] CHAT_UNENDED = ("data: {\"model\":\"g\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
            + "data: {\"model\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
            + "data: [DONE]").getBytes(StandardCharsets.UTF_8);

    /** A {@code PreToolUse} hook denying {@code denied} (null: none) and a {@code PostResponse} hook recording what it saw. */
    private static final class Hooks {
        final List<JsonNode> seen = new ArrayList<>();
        final ResponseHooks hooks;

        Hooks(String denied, boolean gate) {
            List<Hook> all = new ArrayList<>();
            all.add(new TestHook(HookEvent.POST_RESPONSE, input -> {
                seen.add(input.path("response"));
                return HookResult.CONTINUE;
            }));
            if (gate) {
                all.add(new TestHook(HookEvent.PRE_TOOL_USE, input -> input.path("tool_name").asText().equals(denied)
                        ? HookResult.block("not " + denied) : HookResult.CONTINUE));
            }
            hooks = new ResponseHooks(new HookPipeline(all, NOW), Path.of("."), NOW, new HookLog(new SimpleMeterRegistry()));
        }
    }

    private record TestHook(HookEvent event, java.util.function.Function<JsonNode, HookResult> answer) implements Hook {
        @Override
        public String name() {
            return event == HookEvent.PRE_TOOL_USE ? "guard" : "recorder";
        }

        @Override
        public Set<HookEvent> events() {
            return Set.of(event);
        }

        @Override
        public HookResult run(JsonNode input) {
            return answer.apply(input);
        }
    }

    /** What one answer came to: the client's bytes, the usage, whether it ended cleanly, what the after-hooks saw. */
    private record Read(String client, Usage usage, boolean endedCleanly, List<JsonNode> seen, long decoders) {
    }

    /** {@code body} relayed in chunks of {@code chunk} bytes, as the exchange relays it. */
    private static Read relay(Hooks hooks, ApiDialect api, String path, byte[] body, int chunk) {
        long before = SseDecoder.BUILT.sum();
        HttpHeaders headers = new DefaultHttpHeaders().set("content-type", "text/event-stream");
        ResponseObserver observer = ResponseObserver.forResponse(headers, api);
        ResponseHooks.Tap tap = hooks.hooks.tap(new RequestHooks.Meta("req-1", "claude", true, "anthropic", "m", "a",
                "default", path, null, Map.of()));
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ResponseGate gate = tap.begin(200, headers, observer, NOW, new Output(client, tap));
        boolean[] drained = {false};
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf part = Unpooled.wrappedBuffer(body, i, Math.min(chunk, body.length - i));
            observer.observe(part);
            if (gate != null) {
                gate.feed(part);
            } else {
                client.writeBytes(bytes(part));
                tap.observe(part);
            }
            part.release();
        }
        if (gate != null) {
            gate.inputEnded();
        }
        observer.finish();
        boolean endedCleanly = observer.endedCleanly(); // what the cache reads, before the gate's end
        if (gate != null) {
            gate.end(() -> drained[0] = true);
            assertThat(drained[0]).as("the hooks answered at once: nothing is held").isTrue();
        }
        tap.completed();
        return new Read(client.toString(StandardCharsets.UTF_8), observer.usage(), endedCleanly, hooks.seen,
                SseDecoder.BUILT.sum() - before);
    }

    private static byte[] bytes(ByteBuf part) {
        byte[] bytes = new byte[part.readableBytes()];
        part.getBytes(part.readerIndex(), bytes);
        return bytes;
    }

    /** The exchange's output: each write goes to the client and is shown to the tap, and is released there. */
    private record Output(ByteArrayOutputStream client, ResponseHooks.Tap tap) implements ResponseGate.Output {
        @Override
        public void write(ByteBuf bytes) {
            client.writeBytes(bytes(bytes));
            tap.observe(bytes);
            bytes.release();
        }

        @Override
        public void flush() {
        }

        @Override
        public void refuse(String message) {
            throw new AssertionError(message);
        }

        @Override
        public void refuse(String message, byte[] lastEvent) {
            throw new AssertionError(message);
        }
    }

    @Test
    void aGatedStreamIsDecodedOnceForTheGateTheUsageAndTheAfterHooks() {
        for (int chunk : new int[] {1, 7, 64, MESSAGES_TOOL.length}) {
            Read read = relay(new Hooks("Read", true), ApiDialect.MESSAGES, "/v1/messages", MESSAGES_TOOL, chunk);

            assertThat(read.decoders()).as("chunks of %d", chunk).isEqualTo(1);
            assertThat(read.client()).contains("Interpose denied the Read tool call").doesNotContain("tool_use");
            assertThat(read.usage()).isEqualTo(new Usage("claude-opus-5-5", 18, 38, 0, 0));
            assertThat(read.endedCleanly()).isTrue();
            assertThat(read.seen()).hasSize(1);
            JsonNode seen = read.seen().get(0);
            assertThat(seen.path("text").asText()).as("the hooks read what the client got")
                    .contains("Interpose denied the Read tool call: hook guard said: not Read");
            assertThat(seen.path("tool_calls")).isEmpty();
            assertThat(seen.path("stop_reason").asText()).isEqualTo("end_turn");
        }
    }

    @Test
    void anUngatedStreamIsDecodedOnceToo() {
        Read read = relay(new Hooks(null, false), ApiDialect.MESSAGES, "/v1/messages", MESSAGES_TOOL, 7);
        assertThat(read.decoders()).isEqualTo(1);
        assertThat(read.seen()).hasSize(1);
    }

    @Test
    void behindAGateThatPassesEverythingTheStreamIsReadAsWithoutOne() {
        Object[][] streams = {{ApiDialect.MESSAGES, "/v1/messages", MESSAGES_TOOL},
                {ApiDialect.RESPONSES, "/v1/responses", RESPONSES_TOOL}, {ApiDialect.CHAT, "/v1/chat/completions", CHAT_CR},
                {ApiDialect.CHAT, "/v1/chat/completions", CHAT_UNENDED}};
        for (Object[] stream : streams) {
            ApiDialect api = (ApiDialect) stream[0];
            byte[] body = (byte[]) stream[2];
            for (int chunk : new int[] {1, 5, body.length}) {
                Read plain = relay(new Hooks(null, false), api, (String) stream[1], body, chunk);
                Read gated = relay(new Hooks(null, true), api, (String) stream[1], body, chunk);
                String what = stream[1] + " in chunks of " + chunk;
                assertThat(gated.decoders()).as(what).isEqualTo(1);
                assertThat(gated.client()).as(what).isEqualTo(new String(body, StandardCharsets.UTF_8));
                assertThat(gated.usage()).as(what).isEqualTo(plain.usage());
                assertThat(gated.endedCleanly()).as(what).isEqualTo(plain.endedCleanly());
                assertThat(gated.seen()).as(what).isEqualTo(plain.seen());
            }
        }
        assertThat(relay(new Hooks(null, true), ApiDialect.CHAT, "/v1/chat/completions", CHAT_CR, 5).endedCleanly())
                .as("an event ended by the stream's last byte, a CR, counts before the cache reads it").isTrue();
        assertThat(relay(new Hooks(null, true), ApiDialect.CHAT, "/v1/chat/completions", CHAT_UNENDED, 5)
                .endedCleanly()).as("an event never ended does not count").isFalse();
    }
}
