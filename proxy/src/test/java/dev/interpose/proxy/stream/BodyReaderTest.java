package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    private static final byte[] JSON = "{\"model\":\"m\",\"usage\":{\"input_tokens\":1}}".getBytes(StandardCharsets.UTF_8);

    private static BodyReader reader(String type, String encoding) {
        HttpHeaders headers = new DefaultHttpHeaders().set("content-type", type);
        if (encoding != null) {
            headers.set("content-encoding", encoding);
        }
        return new BodyReader(headers);
    }

    private static void feed(BodyReader reader, byte[] body, int chunk) {
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf part = Unpooled.wrappedBuffer(body, i, Math.min(chunk, body.length - i));
            reader.observe(part);
            assertThat(part.readerIndex()).isZero();
            part.release();
        }
        reader.finish();
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void aJsonBodyIsCopiedOnceAndShownToEachReader() {
        List<JsonBody> first = new ArrayList<>();
        List<JsonBody> second = new ArrayList<>();
        BodyReader reader = reader("application/json", null);
        assertThat(reader.listen(null, 1024, first::add)).isTrue();
        assertThat(reader.listen(null, 4096, second::add)).isTrue();
        feed(reader, JSON, 5);

        assertThat(first).hasSize(1);
        assertThat(second).hasSize(1);
        assertThat(second.get(0)).isSameAs(first.get(0));
        JsonBody body = first.get(0);
        assertThat(new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8)).isEqualTo(new String(JSON,
                StandardCharsets.UTF_8));
        assertThat(body.plain(1)).isSameAs(body); // identity: nothing to decode, whatever the cap
    }

    @Test
    void eachReaderHasItsOwnCapOnTheOneCopy() {
        List<JsonBody> small = new ArrayList<>();
        List<JsonBody> large = new ArrayList<>();
        BodyReader reader = reader("application/json; charset=utf-8", null);
        reader.listen(null, JSON.length - 1, small::add);
        reader.listen(null, JSON.length, large::add);
        feed(reader, JSON, 3);
        assertThat(small).isEmpty();
        assertThat(large).hasSize(1);

        List<JsonBody> none = new ArrayList<>();
        BodyReader tooBig = reader("application/json", null);
        tooBig.listen(null, JSON.length - 1, none::add);
        feed(tooBig, JSON, 3);
        assertThat(none).isEmpty();
    }

    @Test
    void aCompressedBodyIsDecodedOnceWhenItFitsBothCaps() throws Exception {
        List<JsonBody> seen = new ArrayList<>();
        BodyReader reader = reader("application/json", "gzip");
        reader.listen(null, 1 << 20, seen::add);
        feed(reader, gzip(JSON), 4);
        JsonBody body = seen.get(0);
        JsonBody plain = body.plain(JSON.length);
        assertThat(new String(plain.bytes(), 0, plain.length(), StandardCharsets.UTF_8))
                .isEqualTo(new String(JSON, StandardCharsets.UTF_8));
        assertThat(body.plain(1 << 20)).isSameAs(plain); // the second reader gets the first decoding
        assertThatThrownBy(() -> body.plain(JSON.length - 1)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void whatItCannotReadItSaysSoAndShowsNothing() {
        List<JsonBody> seen = new ArrayList<>();
        for (BodyReader reader : List.of(reader("text/event-stream", "gzip"), reader("text/plain", null),
                reader("application/json", "x-unknown"))) {
            assertThat(reader.listen(new SseDecoder.Listener() {
                @Override
                public boolean wants(String event) {
                    return true;
                }

                @Override
                public void onEvent(String event, byte[] data, int length, boolean truncated) {
                    throw new AssertionError("not decoded");
                }
            }, 1 << 20, seen::add)).isFalse();
            feed(reader, "data: {}\n\n".getBytes(StandardCharsets.UTF_8), 4);
        }
        assertThat(seen).isEmpty();
        assertThat(reader("text/event-stream", "gzip").streaming()).isTrue();
    }

    @Test
    void anEmptyJsonBodyIsStillShown() {
        List<JsonBody> seen = new ArrayList<>();
        BodyReader reader = reader("application/json", null);
        reader.listen(null, 10, seen::add);
        reader.finish();
        assertThat(seen).singleElement().extracting(JsonBody::length).isEqualTo(0);
    }

    @Test
    void aStreamHandedOverIsDecodedByNoOneElseAndItsListenersGetWhatTheyAreHanded() {
        List<String> seen = new ArrayList<>();
        SseDecoder.Listener listener = new SseDecoder.Listener() {
            @Override
            public boolean wants(String event) {
                return true;
            }

            @Override
            public void onEvent(String event, byte[] data, int length, boolean truncated) {
                seen.add(event + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
            }
        };
        BodyReader reader = reader("text/event-stream", null);
        assertThat(reader.listen(listener, 0, null)).isTrue();
        SseDecoder.Listener handed = reader.handOver();
        long before = SseDecoder.BUILT.sum();
        feed(reader, "event: a\ndata: 1\n\n".getBytes(StandardCharsets.UTF_8), 3);
        assertThat(SseDecoder.BUILT.sum() - before).as("no decoder of its own").isZero();
        assertThat(seen).as("the bytes it was shown are not decoded").isEmpty();

        assertThat(handed.wants("b")).isTrue();
        handed.onEvent("b", new byte[] {'2'}, 1, false);
        assertThat(seen).containsExactly("b|2");

        assertThat(reader("text/event-stream", "gzip").handOver()).as("a coded stream is decoded by no reader").isNull();
        assertThatThrownBy(reader::handOver).as("its first bytes were read here").isInstanceOf(IllegalStateException.class);
    }
}
