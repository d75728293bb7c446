package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ResponseObserverTest {

    private static Usage observe(String contentType, String encoding, byte[] body, int chunk) {
        HttpHeaders headers = new DefaultHttpHeaders().set("content-type", contentType);
        if (encoding != null) {
            headers.set("content-encoding", encoding);
        }
        ResponseObserver observer = ResponseObserver.forResponse(headers);
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf part = Unpooled.wrappedBuffer(body, i, Math.min(chunk, body.length - i));
            observer.observe(part);
            part.release();
        }
        observer.finish();
        return observer.usage();
    }

    @Test
    void anthropicStreamUsageComesFromMessageStartAndDelta() {
        Usage usage = observe("text/event-stream", null, Fixtures.bytes("sample-anthropic-tool-sse.txt"), 5);
        assertThat(usage).isEqualTo(new Usage("claude-opus-5-5", 18, 38, 0, 0));
    }

    @Test
    void responsesStreamUsageComesFromResponseCompleted() {
        Usage usage = observe("text/event-stream; charset=utf-8", null, Fixtures.bytes("sample-responses-sse.txt"), 13);
        assertThat(usage.model()).isEqualTo("gpt-5.5");
        assertThat(usage.inputTokens()).isEqualTo(24);
        assertThat(usage.outputTokens()).isPositive();
        assertThat(usage.cacheRead()).isZero();
    }

    @Test
    void chatCompletionStreamUsageComesFromTheChunkThatCarriesIt() {
        byte[] sse = ("data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n"
                + "data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\n"
                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(observe("text/event-stream", null, sse, 9)).isEqualTo(new Usage("gpt-4o-mini", 7, 3, 2, -1));
    }

    @Test
    void jsonBodiesPlainAndGzippedAreRead() throws Exception {
        byte[] json = "{\"id\":\"msg_1\",\"model\":\"claude-haiku-4\",\"usage\":{\"input_tokens\":11,\"output_tokens\":4}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(observe("application/json", null, json, 10)).isEqualTo(new Usage("claude-haiku-4", 11, 4, -1, -1));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json);
        }
        assertThat(observe("application/json", "gzip", gz.toByteArray(), 10))
                .isEqualTo(new Usage("claude-haiku-4", 11, 4, -1, -1));
    }

    @Test
    void garbageReportsNoUsageAndNeverThrows() {
        byte[] junk = "event: message_start\ndata: {not json\n\ndata: {\"usage\": [1,2]}\n\n".getBytes(StandardCharsets.UTF_8);
        assertThat(observe("text/event-stream", null, junk, 3).reported()).isFalse();
        assertThat(observe("application/json", null, junk, 3).reported()).isFalse();
    }
}
