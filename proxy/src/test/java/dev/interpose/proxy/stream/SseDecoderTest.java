package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

    /** Records every event as "name|data". */
    private static final class Recorder implements SseDecoder.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void onEvent(String event, byte[] data, int length, boolean truncated) {
            events.add(event + "|" + new String(data, 0, length, StandardCharsets.UTF_8) + (truncated ? "|truncated" : ""));
        }
    }

    private static List<String> decode(byte[] bytes, int... splits) {
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder, 1 << 20);
        int from = 0;
        for (int split : splits) {
            decoder.feed(bytes, from, split - from);
            from = split;
        }
        decoder.feed(bytes, from, bytes.length - from);
        return recorder.events;
    }

    @Test
    void aByteOrderMarkAtTheStartOfAnyLineIsDroppedAsTheJavaScriptSdksDropIt() {
        byte[] bytes = ("\uFEFFevent: a\ndata: 1\n\nevent: b\n\uFEFFdata: 2\n\uFEFF\n\uFEFF: comment\n"
                + "data: \uFEFF3\n\n").getBytes(StandardCharsets.UTF_8);
        List<String> whole = decode(bytes);
        // A line of only the mark ends the event; one inside a value stays.
        assertThat(whole).containsExactly("a|1", "b|2", "null|\uFEFF3");
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decode(bytes, split)).as("split at %d", split).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-anthropic-sse.txt", "sample-anthropic-tool-sse.txt", "sample-responses-sse.txt",
            "sample-responses-tool-sse.txt"})
    void everySplitPointOfEveryTranscriptDecodesTheSameEvents(String fixture) {
        byte[] bytes = Fixtures.bytes(fixture);
        List<String> whole = decode(bytes);
        int expected = (int) new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("event:")).count();
        assertThat(whole).hasSize(expected);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decode(bytes, split)).as("split at %d", split).isEqualTo(whole);
        }
        for (int split = 0; split + 1 <= bytes.length; split += 7) {
            assertThat(decode(bytes, split, Math.min(bytes.length, split + 1), Math.min(bytes.length, split + 3)))
                    .as("splits at %d, %d, %d", split, split + 1, split + 3).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\r"})
    void crlfAndCrLineEndingsDecodeLikeLf(String ending) {
        byte[] lf = Fixtures.bytes("sample-anthropic-tool-sse.txt");
        byte[] other = new String(lf, StandardCharsets.UTF_8).replace("\n", ending).getBytes(StandardCharsets.UTF_8);
        List<String> expected = decode(lf);
        for (int split = 0; split <= other.length; split++) {
            assertThat(decode(other, split)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void multiLineDataCommentsAndUnnamedEvents() {
        byte[] bytes = (": keep-alive comment\n"
                + "data: {\"a\":1}\n\n"
                + "event: two\ndata: first\ndata: second\nid: 7\nretry: 10\n\n"
                + "data:[DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(decode(bytes)).containsExactly("null|{\"a\":1}", "two|first\nsecond", "null|[DONE]");
    }

    @Test
    void unwantedEventsAreNotCopiedAndOversizedOnesAreFlaggedNotKept() {
        List<String> seen = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(new SseDecoder.Listener() {
            @Override
            public boolean wants(String event) {
                return !"skip".equals(event);
            }

            @Override
            public void onEvent(String event, byte[] data, int length, boolean truncated) {
                seen.add(event + ":" + length + ":" + truncated);
            }
        }, 16);
        byte[] bytes = ("event: skip\ndata: 0123456789\n\n"
                + "event: big\ndata: 0123456789abcdefghijklmnop\n\n"
                + "event: small\ndata: ok\n\n").getBytes(StandardCharsets.UTF_8);
        decoder.feed(bytes, 0, bytes.length);
        assertThat(seen).containsExactly("big:0:true", "small:2:false");
    }

    @Test
    void feedingABufferLeavesItsIndicesAlone() {
        byte[] bytes = Fixtures.bytes("sample-anthropic-sse.txt");
        Recorder recorder = new Recorder();
        SseDecoder decoder = new SseDecoder(recorder, 1 << 20);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            decoder.feed(buf);
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.readableBytes()).isEqualTo(bytes.length);
            assertThat(recorder.events).hasSize(7);
        } finally {
            buf.release();
        }
    }
}
