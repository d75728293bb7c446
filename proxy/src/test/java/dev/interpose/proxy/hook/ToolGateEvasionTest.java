package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams shaped so that a tool call could slip past a checker that reads SSE less leniently than the
 * client does (whitespace before the JSON, other line endings, data over several lines, byte order marks,
 * JSON past the reader's limits, an event past the cap, a last event with no blank line). Each is either
 * judged (the hook is asked about the call, and its denial replaces it) or refused (the stream ends with
 * the API's error event); never does the call reach the client unjudged. Streams without calls but with
 * what is legitimately not JSON (Chat's {@code [DONE]}, comments, data-less events) pass untouched.
 */
class ToolGateEvasionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"),
            StandardCharsets.UTF_8);
    private static final String RESPONSES = new String(Fixtures.bytes("sample-responses-tool-sse.txt"),
            StandardCharsets.UTF_8);
    private static final int[] CHUNKS = {1, 7, 1 << 20};
    private static final String CALL_ID = "toolu_fake_16445adea4914924a3e8";
    private static final String START = "data: {\"type\": \"content_block_start\", \"index\": 1, ";

    /** Denies every call, and remembers which it was asked about. */
    private static final class DenyAll implements ToolJudge {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean wants(String toolName) {
            return true;
        }

        @Override
        public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode input) {
            asked.add(name + " " + input);
            return CompletableFuture.completedFuture(new ToolJudge.Denial("guard.sh", "no"));
        }
    }

    private record Outcome(DenyAll judge, GateSink sink) {
        boolean judged() {
            return !judge.asked.isEmpty();
        }

        boolean refused() {
            return sink.refused();
        }
    }

    private static Outcome run(ApiDialect api, byte[] stream, int chunk) {
        DenyAll judge = new DenyAll();
        GateRun run = GateRun.of(api, judge, GateSink.stream(), stream, chunk);
        assertThat(run.ended().get() == 1 ^ run.sink().refused()).as("finished or refused, not both").isTrue();
        return new Outcome(judge, run.sink());
    }

    private static Outcome run(ApiDialect api, String stream, int chunk) {
        return run(api, stream.getBytes(StandardCharsets.UTF_8), chunk);
    }

    /** The one property: the call reached the client only if a hook was asked about it (and then denied). */
    private static void neverUnjudged(Outcome o, String callMarker) {
        assertThat(o.judged() || o.refused()).as("judged or refused").isTrue();
        assertThat(o.sink.text()).as("the call never reaches the client").doesNotContain(callMarker);
    }

    private static Outcome judged(ApiDialect api, String stream, String callMarker) {
        for (int chunk : CHUNKS) {
            Outcome o = run(api, stream, chunk);
            neverUnjudged(o, callMarker);
            assertThat(o.refused()).as("chunk %d: read, not refused: %s", chunk, o.sink.refusal).isFalse();
            assertThat(o.judge.asked).as("chunk %d", chunk).hasSize(1);
            assertThat(o.sink.text()).contains("Interpose denied the");
        }
        return run(api, stream, 1 << 20);
    }

    private static Outcome refused(ApiDialect api, String stream, String callMarker) {
        return refused(api, stream, callMarker, CHUNKS);
    }

    private static Outcome refused(ApiDialect api, String stream, String callMarker, int... chunks) {
        for (int chunk : chunks) {
            Outcome o = run(api, stream, chunk);
            neverUnjudged(o, callMarker);
            assertThat(o.refused()).as("chunk %d: refused", chunk).isTrue();
            assertThat(o.judge.asked).isEmpty();
        }
        return run(api, stream, 1 << 20);
    }

    private static String startLine(String replacement) {
        assertThat(ANTHROPIC).contains(START);
        return ANTHROPIC.replace(START, replacement);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:  {", "data:\t{", "data: \t {"})
    void jsonWhitespaceBeforeTheDataIsReadAsJsonParseReadsIt(String prefix) {
        Outcome o = judged(ApiDialect.MESSAGES, startLine(prefix + "\"type\": \"content_block_start\", \"index\": 1, "), CALL_ID);
        assertThat(o.judge.asked).containsExactly("Read {\"file_path\":\"/x\"}");
    }

    @Test
    void aBareDataLineBeforeTheJsonMakesALeadingNewlineThatIsReadToo() {
        // "data" alone is a data field with no value: the data is "\n{…}", which JSON.parse reads.
        judged(ApiDialect.MESSAGES, startLine("data\ndata:{\"type\": \"content_block_start\", \"index\": 1, "), CALL_ID);
        judged(ApiDialect.MESSAGES, startLine("data:\ndata:   {\"type\": \"content_block_start\", \"index\": 1, "), CALL_ID);
    }

    @Test
    void trailingWhitespaceAfterTheJsonIsReadToo() {
        String stream = ANTHROPIC.replace("\"input\": {}}}\n", "\"input\": {}}}  \t\n");
        judged(ApiDialect.MESSAGES, stream, CALL_ID);
    }

    @Test
    void dataSplitOverTwoDataLinesIsJoinedAsSseJoinsIt() {
        String stream = ANTHROPIC.replace(START + "\"content_block\": ",
                "data: {\"type\": \"content_block_start\", \"index\": 1,\ndata: \"content_block\": ");
        assertThat(stream).isNotEqualTo(ANTHROPIC);
        judged(ApiDialect.MESSAGES, stream, CALL_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\r\n", "\n"})
    void everyLineEndingFramesTheSameEventsAndTheCallIsJudged(String ending) {
        String stream = ANTHROPIC.replace(START, "data:  {\"type\": \"content_block_start\", \"index\": 1, ")
                .replace("\n", ending);
        judged(ApiDialect.MESSAGES, stream, CALL_ID);
    }

    @Test
    void aByteOrderMarkAtALinesStartIsDroppedAsTheSdksDropIt() {
        // At the stream's start (the standard drops it there) and before a data line mid-stream (the SDKs
        // decode each line with a TextDecoder, which drops it there too).
        String first = "\uFEFF" + ANTHROPIC.substring(ANTHROPIC.indexOf("event: content_block_start\n" + START));
        judged(ApiDialect.MESSAGES, first, CALL_ID);
        String midStream = ANTHROPIC.replace(START, "\uFEFF" + START);
        judged(ApiDialect.MESSAGES, midStream, CALL_ID);
    }

    @Test
    void aByteOrderMarkInsideTheDataOrOnALineOfItsOwnIsRefused() {
        // JSON.parse rejects a BOM before the JSON: the client would fail; the gate cannot judge it.
        Outcome inside = refused(ApiDialect.MESSAGES, startLine("data: \uFEFF{\"type\": \"content_block_start\", \"index\": 1, "),
                CALL_ID);
        assertThat(inside.sink.refusal).endsWith("as an event's data is not JSON (event content_block_start)");
        // A line of only a BOM is a blank line to the SDKs: two events where the framing saw one.
        String split = ANTHROPIC.replace("event: content_block_start\n" + START, "event: ping\ndata: {\"type\": "
                + "\"ping\"}\n\uFEFF\nevent: content_block_start\n" + START);
        Outcome two = refused(ApiDialect.MESSAGES, split, CALL_ID);
        assertThat(two.sink.refusal).endsWith("as an event's lines could be read as more than one event");
    }

    @Test
    void jsonTheClientParsesButTheGateCannotEndsTheStreamWithTheAnthropicErrorEvent() throws Exception {
        // JSON.parse takes a 2,000-digit number and 2,000 levels of nesting; Jackson stops at 1,000.
        for (String extra : new String[] {"\"pad\": " + "1".repeat(2000) + ", ",
                "\"pad\": " + "[".repeat(2000) + "]".repeat(2000) + ", ", "\"pad\": nope, "}) {
            Outcome o = refused(ApiDialect.MESSAGES, startLine(START + extra), CALL_ID);
            String before = ANTHROPIC.substring(0, ANTHROPIC.indexOf("event: content_block_start\n" + START));
            assertThat(o.sink.text()).as("what came before went out as it was").isEqualTo(before);
            assertThat(o.sink.refusal).startsWith("the upstream's stream was cut short: the PreToolUse hooks cannot"
                    + " check its tool calls, as an event's data ");
            String last = new String(o.sink.lastEvent, StandardCharsets.UTF_8);
            assertThat(last).startsWith("event: error\ndata: {").endsWith("}\n\n");
            JsonNode error = JSON.readTree(last.substring("event: error\ndata: ".length()));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
            assertThat(error.path("error").path("message").asText()).isEqualTo(o.sink.refusal);
        }
    }

    @Test
    void anUnreadableEventWhileACallIsHeldDropsTheCallToo() {
        String stream = ANTHROPIC.replace("data: {\"type\": \"content_block_delta\", \"index\": 1, ",
                "data: {\"type\": \"content_block_delta\", \"x\": " + "[".repeat(1500) + "]".repeat(1500) + ", \"index\": 1, ");
        Outcome o = refused(ApiDialect.MESSAGES, stream, CALL_ID);
        assertThat(o.sink.text()).doesNotContain("tool_use").endsWith("\"index\": 0}\n\n");
    }

    @Test
    void anEventPastTheCapIsRefusedNotPassedUnread() {
        String pad = "a".repeat(ToolGate.MAX_EVENT_BYTES + 10);
        Outcome o = refused(ApiDialect.MESSAGES, startLine(START + "\"pad\": \"" + pad + "\", "), CALL_ID, 8192, 1 << 20);
        // Whole in one chunk it is framed first, and its data is past the decoder's cap; else framing stops it.
        assertThat(o.sink.refusal).matches(".*as an event('s data)? is larger than the 16777216 bytes the proxy reads"
                + " to check it");
        // A big event before the call: nothing after it goes out either.
        Outcome early = refused(ApiDialect.MESSAGES, "event: ping\ndata: {\"type\": \"ping\", \"pad\": \"" + pad + "\"}\n\n"
                + ANTHROPIC, CALL_ID, 1 << 20);
        assertThat(early.sink.text()).isEmpty();
    }

    @Test
    void aLastEventWithoutItsBlankLineIsJudged() {
        String cut = ANTHROPIC.substring(0, ANTHROPIC.indexOf("event: content_block_delta\ndata: {\"type\": "
                + "\"content_block_delta\", \"index\": 1"));
        String noBlank = cut.substring(0, cut.length() - 2); // the call's start, then the stream ends
        Outcome o = judged(ApiDialect.MESSAGES, noBlank, CALL_ID);
        assertThat(o.judge.asked).containsExactly("Read {}");
    }

    @Test
    void responsesEvasionsAreJudgedAndAnUnreadableEventEndsWithResponseFailed() throws Exception {
        String added = "data: {\"type\": \"response.output_item.added\"";
        assertThat(RESPONSES).contains(added);
        String marker = "\"function_call\"";
        judged(ApiDialect.RESPONSES, RESPONSES.replace(added, "data: \t {\"type\": \"response.output_item.added\""), marker);
        judged(ApiDialect.RESPONSES, RESPONSES.replace("\n", "\r"), marker);

        Outcome o = refused(ApiDialect.RESPONSES, RESPONSES.replace(added, "data: {\"n\": " + "9".repeat(1200)
                + ", \"type\": \"response.output_item.added\""), marker);
        String last = new String(o.sink.lastEvent, StandardCharsets.UTF_8);
        assertThat(last).startsWith("event: response.failed\ndata: ").endsWith("\n\n");
        JsonNode failed = JSON.readTree(last.substring("event: response.failed\ndata: ".length()));
        assertThat(failed.path("type").asText()).isEqualTo("response.failed");
        assertThat(failed.path("sequence_number").asInt()).isEqualTo(2); // after response.in_progress
        assertThat(failed.path("response").path("id").asText()).isEqualTo("resp_fake_c780a28a870e4623b903a649");
        assertThat(failed.path("response").path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("response").path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(failed.path("response").path("error").path("message").asText()).isEqualTo(o.sink.refusal);
    }

    @Test
    void aResponsesCallListedOnlyInResponseCompletedIsRefused() throws Exception {
        String created = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                + "\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"output\":[]}}\n\n";
        String call = "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"exec_command\","
                + "\"arguments\":\"{\\\"cmd\\\":\\\"rm -rf /\\\"}\",\"status\":\"completed\"}";
        for (String end : List.of("response.completed", "response.incomplete")) {
            String stream = created + "event: " + end + "\ndata: {\"type\":\"" + end + "\",\"sequence_number\":1,"
                    + "\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[" + call + "]}}\n\n";
            Outcome o = refused(ApiDialect.RESPONSES, stream, "rm -rf");
            assertThat(o.sink.text()).isEqualTo(created);
            assertThat(o.sink.refusal).endsWith(end + " lists a tool call that no output_item event showed, which "
                    + "the proxy does not check");
            assertThat(new String(o.sink.lastEvent, StandardCharsets.UTF_8)).startsWith("event: response.failed\n");
        }
        // The same call, shown by its output_item events first, is judged (and here denied) as usual.
        Outcome shown = judged(ApiDialect.RESPONSES, RESPONSES, "\"function_call\"");
        assertThat(shown.judge.asked).hasSize(1);
    }

    private static final String CHAT_TOOL = "data:  {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
            + "[{\"index\":0,\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":"
            + "\"{\\\"command\\\":\\\"rm -rf /\\\"}\"}}]},\"finish_reason\":null}]}\n\n";
    private static final String CHAT_END = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\"tool_calls\"}]}\n\n";

    @Test
    void chatEvasionsAreJudgedAndAnUnreadableChunkEndsWithAnErrorChunk() throws Exception {
        String text = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n";
        Outcome o = judged(ApiDialect.CHAT, text + CHAT_TOOL + CHAT_END + "data: [DONE]\n\n", "rm -rf");
        assertThat(o.judge.asked).containsExactly("Bash {\"command\":\"rm -rf /\"}");
        // A call after [DONE] is judged as well (at the end of the stream).
        judged(ApiDialect.CHAT, text + "data: [DONE]\n\n" + CHAT_TOOL, "rm -rf");

        Outcome bad = refused(ApiDialect.CHAT, text + CHAT_TOOL.replace("\"id\":\"c1\"", "\"id\":\"c1\",\"n\":" + "7".repeat(1100))
                + CHAT_END + "data: [DONE]\n\n", "rm -rf");
        assertThat(bad.sink.text()).isEqualTo(text);
        String last = new String(bad.sink.lastEvent, StandardCharsets.UTF_8);
        assertThat(last).startsWith("data: {").endsWith("}\n\n");
        JsonNode error = JSON.readTree(last.substring("data: ".length())).path("error");
        assertThat(error.path("message").asText()).isEqualTo(bad.sink.refusal);
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_bad_response");
    }

    @Test
    void chatCallsInAChoiceOtherThanTheFirstOrAsALegacyFunctionCallAreRefused() {
        String text = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n";
        String second = CHAT_TOOL.replace("\"choices\":[{\"index\":0,", "\"choices\":[{\"index\":0,\"delta\":{}},{\"index\":1,");
        String reindexed = CHAT_TOOL.replace("\"choices\":[{\"index\":0,", "\"choices\":[{\"index\":1,");
        String legacy = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"name\":"
                + "\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"rm -rf /\\\"}\"}},\"finish_reason\":null}]}\n\n";
        for (String chunk : List.of(second, reindexed, legacy)) {
            assertThat(chunk).isNotEqualTo(CHAT_TOOL);
            Outcome o = refused(ApiDialect.CHAT, text + chunk + CHAT_END + "data: [DONE]\n\n", "rm -rf");
            assertThat(o.sink.text()).isEqualTo(text);
            assertThat(o.sink.refusal).contains("which the proxy does not check");
        }
    }

    @Test
    void whatIsLegitimatelyNotJsonStillPasses() {
        String chat = ": keep-alive\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
                + "event: ping\ndata: {}\n\n"
                + "data:\n\n"
                + "event: nothing\n\n"
                + "data: [DONE]\n\n";
        Outcome o = run(ApiDialect.CHAT, chat, 3);
        assertThat(o.refused()).isFalse();
        assertThat(o.sink.text()).isEqualTo(chat);
        String anthropic = ": comment\n\n" + ANTHROPIC.replace("event: ping\ndata: {\"type\": \"ping\"}", "event: ping\ndata: {}");
        Outcome a = run(ApiDialect.MESSAGES, anthropic, 5);
        assertThat(a.refused()).isFalse();
        assertThat(a.judge.asked).hasSize(1);
        Outcome r = run(ApiDialect.RESPONSES, RESPONSES + "data: [DONE]\n\n", 11);
        assertThat(r.refused()).isFalse();
        assertThat(r.sink.text()).endsWith("data: [DONE]\n\n");
    }
}
