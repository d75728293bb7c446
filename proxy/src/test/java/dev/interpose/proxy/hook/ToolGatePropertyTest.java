package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The tool gate fed the fixtures' tool-call streams cut at random bytes, from pooled direct buffers, writes
 * the same bytes as when fed whole, whether the hooks allow or deny, answering at once or after a delay
 * (the queued answers run on a test "loop"); random bytes in each API never make it throw, and it always
 * finishes or refuses the stream, at the same event however the bytes were cut. Every buffer it writes is released here, so the leak guard sees any it leaked. Tries:
 * {@code jqwik.tries.default}.
 */
class ToolGatePropertyTest {
    private static final List<byte[]> STREAMS = List.of(Fixtures.bytes("sample-anthropic-tool-sse.txt"),
            Fixtures.bytes("sample-responses-tool-sse.txt"));
    private static final ApiDialect[] APIS = {ApiDialect.MESSAGES, ApiDialect.RESPONSES};

    /** The hooks: deny one tool (or none), at once or once the loop runs. */
    private static final class Judge implements ToolJudge {
        final String deny;
        final List<Runnable> loop;

        Judge(String deny, List<Runnable> loop) {
            this.deny = deny;
            this.loop = loop;
        }

        @Override
        public boolean wants(String toolName) {
            return true;
        }

        @Override
        public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode input) {
            ToolJudge.Denial answer = name.equals(deny) ? new ToolJudge.Denial("guard.sh", "no") : null;
            if (loop == null) {
                return CompletableFuture.completedFuture(answer);
            }
            CompletableFuture<ToolJudge.Denial> later = new CompletableFuture<>();
            loop.add(() -> later.complete(answer));
            return later;
        }
    }

    /** What the gate writes for {@code stream} cut at {@code cuts}; asserts it finished or refused the stream. */
    private static String run(ApiDialect api, byte[] stream, List<Integer> cuts, String deny, boolean later) {
        List<Runnable> loop = later ? new ArrayList<>() : null;
        GateSink sink = GateSink.stream();
        List<Runnable> tasks = new ArrayList<>();
        ToolGate gate = new ToolGate(api, new Judge(deny, loop), tasks::add, sink);
        int at = 0;
        for (int i = 0; i <= cuts.size(); i++) {
            int end = i < cuts.size() ? Math.min(stream.length, at + cuts.get(i)) : stream.length;
            ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(end - at, 1));
            try {
                chunk.writeBytes(stream, at, end - at);
                gate.feed(chunk);
                assertThat(chunk.readerIndex()).isZero();
            } finally {
                chunk.release();
            }
            at = end;
            drain(loop, tasks);
        }
        boolean[] done = {false};
        gate.end(() -> done[0] = true);
        drain(loop, tasks);
        assertThat(done[0] || sink.refused()).as("the gate finished, or refused the stream").isTrue();
        assertThat(done[0] && sink.refused()).as("not both").isFalse();
        return (sink.refused() ? "refused:" : "") + new String(sink.receivedBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Runs the hooks' answers and what they queue on the loop, until nothing is left. */
    private static void drain(List<Runnable> hooks, List<Runnable> loop) {
        while ((hooks != null && !hooks.isEmpty()) || !loop.isEmpty()) {
            if (hooks != null && !hooks.isEmpty()) {
                hooks.remove(0).run();
            }
            while (!loop.isEmpty()) {
                loop.remove(0).run();
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 200).list().ofMaxSize(100);
    }

    @Provide
    Arbitrary<String> denials() {
        return Arbitraries.of("none", "Read", "exec_command");
    }

    @Property
    void anyChunkingWritesWhatOneChunkWrites(@ForAll @IntRange(min = 0, max = 1) int which,
            @ForAll("cuts") List<Integer> cuts, @ForAll("denials") String deny, @ForAll boolean later) {
        ApiDialect api = APIS[which];
        String whole = run(api, STREAMS.get(which), List.of(), deny, false);
        assertThat(whole).doesNotStartWith("refused:");
        assertThat(run(api, STREAMS.get(which), cuts, deny, later)).isEqualTo(whole);
        if (deny.equals("Read") && api == ApiDialect.MESSAGES || deny.equals("exec_command") && api == ApiDialect.RESPONSES) {
            assertThat(whole).contains("Interpose denied the " + deny + " tool call");
        } else {
            assertThat(whole).isEqualTo(new String(STREAMS.get(which), StandardCharsets.ISO_8859_1));
        }
    }

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<String> words = Arbitraries.of("data: ", "event: content_block_start\n", "\n\n", "\r\n", "\n",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"name\":\"Read\"}}",
                "{\"type\":\"content_block_stop\",\"index\":1}", "{\"type\":\"response.output_item.added\","
                        + "\"output_index\":0,\"item\":{\"type\":\"function_call\",\"name\":\"exec_command\"}}",
                "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"function_call\"}}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"Read\"}}]}}]}",
                "data: [DONE]\n\n", "{", "}", "[", "\"", "x", "\u00e9");
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(1500),
                words.list().ofMaxSize(120).map(w -> String.join("", w).getBytes(StandardCharsets.UTF_8)));
    }

    @Property
    void randomBytesNeverThrowAndAlwaysFinish(@ForAll("noise") byte[] stream, @ForAll("cuts") List<Integer> cuts,
            @ForAll @IntRange(min = 0, max = 2) int api, @ForAll("denials") String deny, @ForAll boolean later) {
        ApiDialect which = api == 0 ? ApiDialect.MESSAGES : api == 1 ? ApiDialect.RESPONSES : ApiDialect.CHAT;
        String whole = run(which, stream, List.of(), deny, false);
        assertThat(run(which, stream, cuts, deny, later)).isEqualTo(whole);
    }
}
