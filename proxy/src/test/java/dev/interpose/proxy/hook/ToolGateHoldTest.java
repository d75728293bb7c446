package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.dialect.ApiDialect;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hold covers every call that starts while one is held: interleaved content blocks (Messages) and
 * interleaved output items (Responses) are each judged, never passed unjudged, whatever order the answers
 * come in. Asking the hooks fails closed: a judge that throws or whose answer fails denies the call, in a
 * stream (each API) and in a whole body.
 */
class ToolGateHoldTest {
    /** Denies the tools named, answering at once or when the test completes {@link #pending}; or fails. */
    private static final class Judge implements ToolJudge {
        final List<String> deny;
        final boolean later;
        final RuntimeException failure;
        final boolean throwing;
        final List<String> asked = new ArrayList<>();
        final List<JsonNode> inputs = new ArrayList<>();
        final List<CompletableFuture<ToolJudge.Denial>> pending = new ArrayList<>();

        private Judge(List<String> deny, boolean later, RuntimeException failure, boolean throwing) {
            this.deny = deny;
            this.later = later;
            this.failure = failure;
            this.throwing = throwing;
        }

        static Judge denying(boolean later, String... tools) {
            return new Judge(List.of(tools), later, null, false);
        }

        /** Its answers complete exceptionally (or, {@code throwing}, judge() itself throws). */
        static Judge failing(boolean throwing) {
            return new Judge(List.of(), false, new IllegalStateException("hook runner gone"), throwing);
        }

        @Override
        public boolean wants(String toolName) {
            return true;
        }

        @Override
        public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode input) {
            asked.add(id + " " + name);
            inputs.add(input);
            if (failure != null) {
                if (throwing) {
                    throw failure;
                }
                return CompletableFuture.failedFuture(failure);
            }
            ToolJudge.Denial answer = deny.contains(name) ? new ToolJudge.Denial("guard.sh", "no " + name) : null;
            CompletableFuture<ToolJudge.Denial> f = later ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
            pending.add(f);
            return f;
        }

        /** Completes the pending answers in the given order of asking. */
        void answer(int... order) {
            for (int i : order) {
                String name = asked.get(i).substring(asked.get(i).indexOf(' ') + 1);
                pending.get(i).complete(deny.contains(name) ? new ToolJudge.Denial("guard.sh", "no " + name) : null);
            }
        }
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /** Two tool_use blocks whose events interleave: Read at index 1, Bash at index 2. */
    private static final String MESSAGES = String.join("",
            event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}"),
            event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Two calls.\"}}"),
            event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
            event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
                    + "\"id\":\"toolu_read\",\"name\":\"Read\",\"input\":{}}}"),
            event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\","
                    + "\"id\":\"toolu_bash\",\"name\":\"Bash\",\"input\":{}}}"),
            event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
                    + "\"partial_json\":\"{\\\"file_path\\\":\\\"/x\\\"}\"}}"),
            event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\","
                    + "\"partial_json\":\"{\\\"command\\\":\\\"rm -rf /\\\"}\"}}"),
            event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
            event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
            event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":30}}"),
            event("message_stop", "{\"type\":\"message_stop\"}"));

    /** Two function_call items whose events interleave: exec_command at output 0, apply_patch at output 1. */
    private static final String RESPONSES = String.join("",
            event("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\","
                    + "\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}"),
            event("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,"
                    + "\"item\":{\"id\":\"fc_a\",\"type\":\"function_call\",\"status\":\"in_progress\",\"call_id\":\"call_a\","
                    + "\"name\":\"exec_command\",\"arguments\":\"\"}}"),
            event("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":1,"
                    + "\"item\":{\"id\":\"fc_b\",\"type\":\"function_call\",\"status\":\"in_progress\",\"call_id\":\"call_b\","
                    + "\"name\":\"apply_patch\",\"arguments\":\"\"}}"),
            event("response.function_call_arguments.delta", "{\"type\":\"response.function_call_arguments.delta\","
                    + "\"sequence_number\":3,\"item_id\":\"fc_a\",\"output_index\":0,\"delta\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}"),
            event("response.function_call_arguments.delta", "{\"type\":\"response.function_call_arguments.delta\","
                    + "\"sequence_number\":4,\"item_id\":\"fc_b\",\"output_index\":1,\"delta\":\"{\\\"patch\\\":\\\"p\\\"}\"}"),
            event("response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":5,\"output_index\":0,"
                    + "\"item\":{\"id\":\"fc_a\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_a\","
                    + "\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}"),
            event("response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":6,\"output_index\":1,"
                    + "\"item\":{\"id\":\"fc_b\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_b\","
                    + "\"name\":\"apply_patch\",\"arguments\":\"{\\\"patch\\\":\\\"p\\\"}\"}}"),
            event("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":7,\"response\":{\"id\":\"resp_1\","
                    + "\"object\":\"response\",\"status\":\"completed\",\"output\":["
                    + "{\"id\":\"fc_a\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_a\",\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"},"
                    + "{\"id\":\"fc_b\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_b\",\"name\":\"apply_patch\",\"arguments\":\"{\\\"patch\\\":\\\"p\\\"}\"}"
                    + "],\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7}}}"));

    private static final String CHAT = String.join("",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"rm -rf /\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
            "data: [DONE]\n\n");

    private static GateRun start(ApiDialect api, String stream, Judge judge, int chunk) {
        return GateRun.of(api, judge, GateSink.stream(), stream.getBytes(StandardCharsets.UTF_8), chunk);
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 9, 1 << 20})
    void interleavedMessagesCallsAreEachJudgedAndBothDenied(int chunk) {
        Judge judge = Judge.denying(false, "Read", "Bash");
        GateRun run = start(ApiDialect.MESSAGES, MESSAGES, judge, chunk);

        assertThat(judge.asked).containsExactly("toolu_read Read", "toolu_bash Bash");
        assertThat(judge.inputs.get(1).path("command").asText()).isEqualTo("rm -rf /");
        String out = run.sink().received();
        assertThat(out).doesNotContain("tool_use\",").doesNotContain("rm -rf").doesNotContain("input_json_delta");
        List<JsonNode> events = HookFiles.events(out);
        assertThat(events.stream().filter(e -> e.path("delta").path("type").asText().equals("text_delta"))
                .map(e -> e.path("index").asInt() + ":" + e.path("delta").path("text").asText()))
                .containsExactly("0:Two calls.", "1:Interpose denied the Read tool call: hook guard.sh said: no Read",
                        "2:Interpose denied the Bash tool call: hook guard.sh said: no Bash");
        JsonNode delta = events.stream().filter(e -> e.path("type").asText().equals("message_delta")).findFirst().orElseThrow();
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(run.ended()).hasValue(1);
    }

    @Test
    void theSecondOfInterleavedMessagesCallsIsDeniedThoughTheFirstIsAllowedAndAnsweredLast() {
        Judge judge = Judge.denying(true, "Bash");
        GateRun run = start(ApiDialect.MESSAGES, MESSAGES, judge, 7);
        assertThat(judge.asked).containsExactly("toolu_read Read", "toolu_bash Bash");
        String before = run.sink().received();
        assertThat(before).doesNotContain("tool_use\",");
        assertThat(run.gate().holding()).isTrue();

        judge.answer(1); // Bash: denied; Read still open, so nothing goes out yet
        assertThat(run.sink().received()).isEqualTo(before);
        assertThat(run.ended()).hasValue(0);
        judge.answer(0); // Read: allowed

        String out = run.sink().received();
        assertThat(out).contains("\"name\":\"Read\"").contains("/x").doesNotContain("\"name\":\"Bash\"").doesNotContain("rm -rf")
                .contains("Interpose denied the Bash tool call");
        List<JsonNode> events = HookFiles.events(out);
        assertThat(types(events)).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(5).path("index").asInt()).isEqualTo(2);
        assertThat(events.get(5).path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(events.get(10).path("delta").path("stop_reason").asText()).as("one call is left").isEqualTo("tool_use");
        assertThat(run.gate().holding()).isFalse();
        assertThat(run.ended()).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 1 << 20})
    void interleavedResponsesItemsAreEachJudgedAndTheDeniedOneReplacedEverywhere(int chunk) {
        Judge judge = Judge.denying(false, "apply_patch");
        GateRun run = start(ApiDialect.RESPONSES, RESPONSES, judge, chunk);

        assertThat(judge.asked).containsExactly("call_a exec_command", "call_b apply_patch");
        String out = run.sink().received();
        assertThat(out).doesNotContain("\"apply_patch\"").doesNotContain("fc_b");
        List<JsonNode> events = HookFiles.events(out);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).as("event %d", i).isEqualTo(i);
        }
        JsonNode completed = events.get(events.size() - 1);
        assertThat(completed.path("type").asText()).isEqualTo("response.completed");
        JsonNode output = completed.path("response").path("output");
        assertThat(output).hasSize(2);
        assertThat(output.get(0).path("name").asText()).isEqualTo("exec_command");
        assertThat(output.get(1).path("type").asText()).isEqualTo("message");
        assertThat(output.get(1).path("content").get(0).path("text").asText())
                .isEqualTo("Interpose denied the apply_patch tool call: hook guard.sh said: no apply_patch");
        JsonNode replacedDone = events.stream().filter(e -> e.path("type").asText().equals("response.output_item.done")
                && e.path("output_index").asInt() == 1).findFirst().orElseThrow();
        assertThat(replacedDone.path("item")).isEqualTo(output.get(1));
        assertThat(run.ended()).hasValue(1);
    }

    @Test
    void aCallStartingAtThePlaceOfAHeldCallIsRefusedNotJudgedAsTheOther() {
        String twice = MESSAGES.replace("\"index\":2,\"content_block\"", "\"index\":1,\"content_block\"");
        GateRun run = start(ApiDialect.MESSAGES, twice, Judge.denying(false), 5);
        assertThat(run.sink().refusal).endsWith("as a tool call starts at the place of another one still being checked");
        assertThat(run.sink().received()).doesNotContain("tool_use\",").doesNotContain("rm -rf").contains("event: error\ndata: ");
        assertThat(run.ended()).hasValue(0);
    }

    @Test
    void aResponsesCallFirstSeenInItsDoneItemIsJudgedAndOneRenamedThereIsRefused() {
        // Codex runs the item of output_item.done: one that no output_item.added announced is a call all the same.
        String unannounced = RESPONSES.replaceAll("event: response.output_item.added\ndata: [^\n]*\"output_index\":1,[^\n]*\n\n", "")
                .replaceAll("event: response.function_call_arguments.delta\ndata: [^\n]*\"output_index\":1,[^\n]*\n\n", "");
        assertThat(unannounced).doesNotContain("\"sequence_number\":2,").contains("\"call_id\":\"call_b\"");
        Judge judge = Judge.denying(false, "apply_patch");
        GateRun run = start(ApiDialect.RESPONSES, unannounced, judge, 17);
        assertThat(judge.asked).containsExactly("call_a exec_command", "call_b apply_patch");
        assertThat(run.sink().received()).doesNotContain("\"apply_patch\"").contains("Interpose denied the apply_patch tool call");
        assertThat(run.ended()).hasValue(1);

        String renamed = RESPONSES.replace("\"call_id\":\"call_b\",\"name\":\"apply_patch\",\"arguments\":\"\"",
                "\"call_id\":\"call_b\",\"name\":\"harmless\",\"arguments\":\"\"");
        assertThat(renamed).contains("harmless");
        GateRun refused = start(ApiDialect.RESPONSES, renamed, Judge.denying(false, "apply_patch"), 17);
        assertThat(refused.sink().refusal).endsWith("as a tool call starts at the place of another one still being checked");
        assertThat(refused.sink().received()).doesNotContain("\"apply_patch\"").contains("event: response.failed");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whenAskingTheHooksFailsEveryStreamedCallIsDenied(boolean throwing) {
        String reason = "hook interpose said: the PreToolUse check failed (java.lang.IllegalStateException: hook runner gone),"
                + " so the call is denied";

        GateRun messages = start(ApiDialect.MESSAGES, MESSAGES, Judge.failing(throwing), 11);
        assertThat(messages.sink().received()).doesNotContain("rm -rf").doesNotContain("tool_use\",")
                .contains("Interpose denied the Read tool call: " + reason)
                .contains("Interpose denied the Bash tool call: " + reason).contains("\"stop_reason\":\"end_turn\"");
        assertThat(messages.ended()).hasValue(1);

        GateRun responses = start(ApiDialect.RESPONSES, RESPONSES, Judge.failing(throwing), 11);
        assertThat(responses.sink().received()).doesNotContain("\"function_call\"")
                .contains("Interpose denied the exec_command tool call: " + reason);
        assertThat(responses.ended()).hasValue(1);

        GateRun chat = start(ApiDialect.CHAT, CHAT, Judge.failing(throwing), 11);
        List<JsonNode> chunks = HookFiles.events(chat.sink().received());
        assertThat(chat.sink().received()).doesNotContain("rm -rf").doesNotContain("tool_calls\":[").endsWith("data: [DONE]\n\n");
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("content").asText())
                .isEqualTo("Interpose denied the Bash tool call: " + reason);
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(chat.ended()).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void whenAskingTheHooksFailsEveryCallOfAWholeBodyIsDenied(boolean throwing) throws Exception {
        String body = "{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_bash\",\"name\":\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],"
                + "\"stop_reason\":\"tool_use\"}";
        GateSink sink = GateSink.body();
        Judge judge = Judge.failing(throwing);
        BodyGate gate = new BodyGate(ApiDialect.MESSAGES, judge, Runnable::run, sink, null, false);
        ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        gate.feed(bytes);
        bytes.release();
        AtomicInteger ended = new AtomicInteger();
        gate.end(ended::incrementAndGet);

        assertThat(judge.asked).containsExactly("toolu_bash Bash");
        assertThat(sink.refusal).isNull();
        JsonNode out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sink.received());
        assertThat(out.path("content").get(1).path("type").asText()).isEqualTo("text");
        assertThat(out.path("content").get(1).path("text").asText())
                .startsWith("Interpose denied the Bash tool call: hook interpose said: the PreToolUse check failed");
        assertThat(out.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(sink.received()).doesNotContain("rm -rf");
        assertThat(ended).hasValue(1);
    }
}
