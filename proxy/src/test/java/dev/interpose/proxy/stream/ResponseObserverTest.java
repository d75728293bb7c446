package dev.interpose.proxy.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
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
        return observer(null, contentType, encoding, body, chunk).usage();
    }

    /** An observer for an answer of {@code api} (null: a path of no known API) shown {@code body}. */
    private static ResponseObserver observer(ApiDialect api, String contentType, String encoding, byte[] body,
            int chunk) {
        HttpHeaders headers = new DefaultHttpHeaders().set("content-type", contentType);
        if (encoding != null) {
            headers.set("content-encoding", encoding);
        }
        ResponseObserver observer = ResponseObserver.forResponse(headers, api);
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf part = Unpooled.wrappedBuffer(body, i, Math.min(chunk, body.length - i));
            observer.observe(part);
            part.release();
        }
        observer.finish();
        return observer;
    }

    private static final byte[] CHAT = ("data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}],"
            + "\"usage\":null}\n\n"
            + "data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\n"
            + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);

    @Test
    void eachDialectReadsItsOwnStreamsUsageAndEnd() {
        ResponseObserver messages = observer(ApiDialect.MESSAGES, "text/event-stream", null,
                Fixtures.bytes("sample-anthropic-tool-sse.txt"), 5);
        assertThat(messages.usage()).isEqualTo(new Usage("claude-opus-5-5", 18, 38, 0, 0));
        assertThat(messages.endedCleanly()).isTrue();
        assertThat(messages.streaming()).isTrue();

        for (ApiDialect responses : new ApiDialect[] {ApiDialect.RESPONSES, ApiDialect.CODEX}) {
            ResponseObserver observer = observer(responses, "text/event-stream", null,
                    Fixtures.bytes("sample-responses-tool-sse.txt"), 17);
            assertThat(observer.usage()).isEqualTo(new Usage("gpt-5.5", 32, 48, 0, -1));
            assertThat(observer.endedCleanly()).isTrue();
        }

        ResponseObserver chat = observer(ApiDialect.CHAT, "text/event-stream", null, CHAT, 4);
        assertThat(chat.usage()).isEqualTo(new Usage("gpt-4o-mini", 7, 3, 2, -1));
        assertThat(chat.endedCleanly()).isTrue();
    }

    @Test
    void aDialectIgnoresTheEventsOfAnotherApi() {
        ResponseObserver chatOnAnthropic = observer(ApiDialect.CHAT, "text/event-stream", null,
                Fixtures.bytes("sample-anthropic-sse.txt"), 64);
        assertThat(chatOnAnthropic.usage().reported()).isFalse();
        assertThat(chatOnAnthropic.endedCleanly()).isFalse();
        ResponseObserver messagesOnChat = observer(ApiDialect.MESSAGES, "text/event-stream", null, CHAT, 64);
        assertThat(messagesOnChat.usage().reported()).isFalse();
        assertThat(messagesOnChat.endedCleanly()).isFalse();
        ResponseObserver responsesOnAnthropic = observer(ApiDialect.RESPONSES, "text/event-stream", null,
                Fixtures.bytes("sample-anthropic-sse.txt"), 64);
        assertThat(responsesOnAnthropic.usage().reported()).isFalse();
    }

    @Test
    void aPathOfNoKnownApiReadsEveryApisEvents() {
        assertThat(observer(null, "text/event-stream", null, Fixtures.bytes("sample-anthropic-sse.txt"), 9)
                .endedCleanly()).isTrue();
        assertThat(observer(null, "text/event-stream", null, Fixtures.bytes("sample-responses-sse.txt"), 9)
                .endedCleanly()).isTrue();
        assertThat(observer(null, "text/event-stream", null, CHAT, 9).endedCleanly()).isTrue();
    }

    @Test
    void aStreamThatStopsBeforeItsFinalEventOrFailsDidNotEndCleanly() {
        byte[] anthropic = Fixtures.bytes("sample-anthropic-sse.txt");
        String text = new String(anthropic, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("event: message_stop")).getBytes(StandardCharsets.UTF_8);
        ResponseObserver observer = observer(ApiDialect.MESSAGES, "text/event-stream", null, cut, 8);
        assertThat(observer.endedCleanly()).isFalse();
        assertThat(observer.usage().outputTokens()).isEqualTo(10); // what was seen still counts

        for (String end : new String[] {"response.failed", "response.incomplete"}) {
            byte[] failed = ("event: " + end + "\ndata: {\"type\":\"" + end + "\",\"response\":{\"model\":\"gpt-5.5\","
                    + "\"status\":\"failed\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            ResponseObserver responses = observer(ApiDialect.RESPONSES, "text/event-stream", null, failed, 6);
            assertThat(responses.endedCleanly()).isFalse();
            assertThat(responses.usage()).isEqualTo(new Usage("gpt-5.5", 3, 1, -1, -1));
        }
    }

    @Test
    void aJsonBodyOfEachDialectIsRead() {
        byte[] chat = "{\"model\":\"g\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        ResponseObserver observer = observer(ApiDialect.CHAT, "application/json", null, chat, 3);
        assertThat(observer.usage()).isEqualTo(new Usage("g", 2, 1, -1, -1));
        assertThat(observer.streaming()).isFalse();
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
