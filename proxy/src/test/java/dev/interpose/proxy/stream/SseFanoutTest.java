package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SseFanoutTest {

    /** Wants the events its predicate accepts; records each it gets as "name|data", and each name it was asked about. */
    private static final class Recorder implements SseDecoder.Listener {
        final Predicate<String> wanted;
        final List<String> events = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        Recorder(Predicate<String> wanted) {
            this.wanted = wanted;
        }

        @Override
        public boolean wants(String event) {
            asked.add(String.valueOf(event));
            return wanted.test(event);
        }

        @Override
        public void onEvent(String event, byte[] data, int length, boolean truncated) {
            events.add(event + "|" + new String(data, 0, length, StandardCharsets.UTF_8) + (truncated ? "|truncated" : ""));
        }
    }

    private static void feed(SseDecoder decoder, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            decoder.feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
    }

    private static final byte[] STREAM = ("event: a\ndata: 1\n\n"
            + "data: unnamed\n\n"
            + "event: b\ndata: 2\ndata: 3\n\n"
            + ": comment\n\n"
            + "event: a\ndata: 4\n\n").getBytes(StandardCharsets.UTF_8);

    @Test
    void oneDecoderHandsEachListenerExactlyTheEventsItWants() {
        Recorder onlyA = new Recorder("a"::equals);
        Recorder all = new Recorder(e -> true);
        Recorder unnamedAndB = new Recorder(e -> e == null || e.equals("b"));
        SseFanout fanout = new SseFanout();
        fanout.add(onlyA);
        fanout.add(all);
        fanout.add(unnamedAndB);
        feed(new SseDecoder(fanout, 1 << 20), STREAM, 3);

        assertThat(onlyA.events).containsExactly("a|1", "a|4");
        assertThat(all.events).containsExactly("a|1", "null|unnamed", "b|2\n3", "a|4");
        assertThat(unnamedAndB.events).containsExactly("null|unnamed", "b|2\n3");
        // Each listener is asked once about unnamed events (when the decoder is built) and once per event line.
        assertThat(onlyA.asked).containsExactly("null", "a", "b", "a");
        assertThat(all.asked).isEqualTo(onlyA.asked);
    }

    @Test
    void aListenerThatWantsNothingGetsNothingAndTheOthersAreUnaffected() {
        Recorder nothing = new Recorder(e -> false);
        Recorder all = new Recorder(e -> true);
        SseFanout fanout = new SseFanout();
        fanout.add(nothing);
        fanout.add(all);
        feed(new SseDecoder(fanout, 1 << 20), STREAM, 1);

        assertThat(nothing.events).isEmpty();
        assertThat(all.events).hasSize(4);
    }

    @Test
    void whenNoListenerWantsAnEventTheDecoderIsToldSo() {
        SseFanout fanout = new SseFanout();
        fanout.add(new Recorder(e -> false));
        fanout.add(new Recorder("a"::equals));
        assertThat(fanout.wants(null)).isFalse();
        assertThat(fanout.wants("b")).isFalse();
        assertThat(fanout.wants("a")).isTrue();
    }

    @Test
    void aTruncatedEventReachesEveryListenerThatWantedItMarkedTruncated() {
        Recorder one = new Recorder(e -> true);
        Recorder two = new Recorder("big"::equals);
        SseFanout fanout = new SseFanout();
        fanout.add(one);
        fanout.add(two);
        feed(new SseDecoder(fanout, 4), "event: big\ndata: 123456\n\n".getBytes(StandardCharsets.UTF_8), 2);
        assertThat(one.events).containsExactly("big||truncated");
        assertThat(two.events).isEqualTo(one.events);
    }

    @Test
    void aBodyReaderDecodesAStreamOnceForEveryListener() {
        Recorder usage = new Recorder(e -> e != null && Set.of("message_start", "message_delta", "message_stop").contains(e));
        Recorder assembler = new Recorder(e -> true);
        Recorder nothing = new Recorder(e -> false);
        BodyReader reader = new BodyReader(new DefaultHttpHeaders().set("content-type", "text/event-stream"));
        assertThat(reader.listen(usage, 0, null)).isTrue();
        assertThat(reader.listen(assembler, 0, null)).isTrue();
        assertThat(reader.listen(nothing, 0, null)).isTrue();
        byte[] sse = Fixtures.bytes("sample-anthropic-tool-sse.txt");
        for (int i = 0; i < sse.length; i += 7) {
            ByteBuf part = Unpooled.wrappedBuffer(sse, i, Math.min(7, sse.length - i));
            reader.observe(part);
            assertThat(part.readerIndex()).isZero();
            part.release();
        }
        reader.finish();

        assertThat(assembler.events).hasSize(10); // every event of the transcript, ping included
        assertThat(usage.events).extracting(e -> e.substring(0, e.indexOf('|')))
                .containsExactly("message_start", "message_delta", "message_stop");
        assertThat(usage.events).isSubsetOf(assembler.events);
        assertThat(nothing.events).isEmpty();
        assertThat(usage.asked).isEqualTo(assembler.asked).hasSize(11); // null, then one per event line
    }

    @Test
    void listenersComeBeforeTheFirstChunk() {
        BodyReader reader = new BodyReader(new DefaultHttpHeaders().set("content-type", "text/event-stream"));
        reader.listen(new Recorder(e -> true), 0, null);
        ByteBuf part = Unpooled.wrappedBuffer("data: x\n\n".getBytes(StandardCharsets.UTF_8));
        reader.observe(part);
        part.release();
        assertThatThrownBy(() -> reader.listen(new Recorder(e -> true), 0, null))
                .isInstanceOf(IllegalStateException.class);
    }
}
