package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The SSE decoder fed the fixtures' transcripts cut at random bytes, from pooled direct buffers, decodes
 * the same events as when fed whole, whatever the line endings; random bytes never make it throw. Tries:
 * {@code jqwik.tries.default} (junit-platform.properties; {@code -Djqwik.tries.default=1000000} for a long run).
 */
class SseDecoderPropertyTest {
    private static final List<byte[]> TRANSCRIPTS = List.of(Fixtures.bytes("sample-anthropic-sse.txt"),
            Fixtures.bytes("sample-anthropic-tool-sse.txt"), Fixtures.bytes("sample-responses-sse.txt"),
            Fixtures.bytes("sample-responses-tool-sse.txt"));

    /** Every event as "name|truncated|data". */
    private static final class Recorder implements SseDecoder.Listener {
        final List<String> events = new ArrayList<>();
        int longestData;

        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void onEvent(String event, byte[] data, int length, boolean truncated) {
            events.add(event + "|" + truncated + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
            longestData = Math.max(longestData, length);
        }
    }

    private static List<String> decode(byte[] stream, List<Integer> cuts, int maxEventBytes) {
        return record(stream, cuts, maxEventBytes).events;
    }

    private static Recorder record(byte[] stream, List<Integer> cuts, int maxEventBytes) {
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder, maxEventBytes);
        int at = 0;
        for (int cut : cuts) {
            int end = Math.min(stream.length, at + cut);
            feed(decoder, stream, at, end - at);
            at = end;
        }
        feed(decoder, stream, at, stream.length - at);
        return recorder;
    }

    private static void feed(SseDecoder decoder, byte[] bytes, int from, int length) {
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(length, 1));
        try {
            chunk.writeBytes(bytes, from, length);
            decoder.feed(chunk);
            assertThat(chunk.readerIndex()).as("the decoder only reads").isZero();
        } finally {
            chunk.release();
        }
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 300).list().ofMaxSize(200);
    }

    @Property
    void anyChunkingDecodesAsOneChunk(@ForAll @IntRange(min = 0, max = 3) int which,
            @ForAll("cuts") List<Integer> cuts, @ForAll @IntRange(min = 0, max = 2) int endings) {
        String text = new String(TRANSCRIPTS.get(which), StandardCharsets.UTF_8);
        byte[] stream = (endings == 0 ? text : text.replace("\n", endings == 1 ? "\r\n" : "\r"))
                .getBytes(StandardCharsets.UTF_8);
        List<String> whole = decode(TRANSCRIPTS.get(which), List.of(), 1 << 20);
        assertThat(whole).isNotEmpty();
        assertThat(decode(stream, cuts, 1 << 20)).isEqualTo(whole);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<Byte> bytes = Arbitraries.oneOf(Arbitraries.bytes(),
                Arbitraries.of((byte) '\n', (byte) '\r', (byte) ':', (byte) ' ', (byte) 'd', (byte) 'a', (byte) 't'));
        Arbitrary<byte[]> words = Arbitraries.of("data:", "data: {", "event:", "event: x", "\r\n", "\n\n", ":", "id: 1",
                "retry: 5", "data", "\r").map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(bytes.array(byte[].class).ofMaxSize(2000),
                words.list().ofMaxSize(300).map(SseDecoderPropertyTest::join));
    }

    @Property
    void randomBytesNeverThrowAndChunkingDoesNotMatter(@ForAll("noise") byte[] stream, @ForAll("cuts") List<Integer> cuts,
            @ForAll @IntRange(min = 0, max = 64) int maxEventBytes) {
        Recorder whole = record(stream, List.of(), maxEventBytes);
        assertThat(decode(stream, cuts, maxEventBytes)).isEqualTo(whole.events);
        assertThat(whole.longestData).as("data is capped").isLessThanOrEqualTo(maxEventBytes);
    }

    @Property(tries = 50)
    void aLargeEventIsTruncatedNotHeld(@ForAll @Size(max = 5) List<@IntRange(min = 1, max = 100_000) Integer> sizes) {
        StringBuilder stream = new StringBuilder();
        for (int size : sizes) {
            stream.append("event: big\ndata: ").append("x".repeat(size)).append("\n\n");
        }
        List<String> events = decode(stream.toString().getBytes(StandardCharsets.UTF_8), List.of(4096, 7, 65536), 1000);
        assertThat(events).hasSize(sizes.size()).allSatisfy(e -> assertThat(e.length()).isLessThanOrEqualTo(1000 + 20));
        for (int i = 0; i < sizes.size(); i++) {
            assertThat(events.get(i)).startsWith("big|" + (sizes.get(i) > 1000) + "|");
        }
    }

    private static byte[] join(List<byte[]> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
