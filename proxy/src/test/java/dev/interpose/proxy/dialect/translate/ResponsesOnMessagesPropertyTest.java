package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random Responses requests as Messages requests keep every text, tool call (call id, name, arguments) and
 * tool output; random Messages answers, whole and streamed in random pieces cut at random bytes, come back as
 * Responses answers with every text, tool call (call id, name, arguments or freeform input) and usage number.
 */
class ResponsesOnMessagesPropertyTest {
    private static final Translation TRANSLATION = Translation.of(ApiDialect.RESPONSES, ApiDialect.MESSAGES);

    @Property
    void aRequestKeepsEveryTextToolCallAndOutput(@ForAll long seed) throws IOException {
        RandomJson r = new RandomJson(seed);
        ObjectNode request = RandomJson.JSON.createObjectNode().put("model", "gpt-5");
        request.putArray("tools").addObject().put("type", "function").put("name", "exec_command")
                .putObject("parameters").put("type", "object");
        ArrayNode input = request.putArray("input");
        List<String> texts = new ArrayList<>();
        List<ObjectNode> calls = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int turns = 1 + r.random.nextInt(4);
        for (int t = 0; t < turns; t++) {
            String text = r.text();
            texts.add(text);
            String role = t == 0 && r.chance(2) ? "developer" : "user";
            input.addObject().put("type", "message").put("role", role).putArray("content").addObject()
                    .put("type", "input_text").put("text", text);
            if (r.chance(3)) {
                input.addObject().put("type", "reasoning").put("encrypted_content", "gAAA").putArray("summary");
            }
            if (r.chance(2)) {
                String said = r.text();
                texts.add(said);
                input.addObject().put("type", "message").put("role", "assistant").putArray("content").addObject()
                        .put("type", "output_text").put("text", said);
            }
            List<String> ids = new ArrayList<>();
            for (int i = r.random.nextInt(3); i > 0; i--) {
                ObjectNode call = input.addObject().put("type", "function_call").put("call_id", r.id("call_"))
                        .put("name", r.name()).put("arguments", Json.write(r.input()));
                calls.add(call);
                ids.add(call.path("call_id").asText());
            }
            for (String id : ids) {
                String output = r.text();
                outputs.add(output);
                input.addObject().put("type", "function_call_output").put("call_id", id).put("output", output);
            }
        }
        ObjectNode messages = TRANSLATION.request(request).body();
        String all = messages.toString();
        for (String text : texts) {
            assertThat(all).contains(RandomJson.JSON.writeValueAsString(text).replaceAll("^\"|\"$", ""));
        }
        List<JsonNode> uses = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        JsonNode turnsOut = messages.path("messages");
        for (int i = 0; i < turnsOut.size(); i++) {
            if (i > 0) {
                assertThat(turnsOut.get(i).path("role")).as("roles alternate").isNotEqualTo(turnsOut.get(i - 1).path("role"));
            }
            for (JsonNode block : turnsOut.get(i).path("content")) {
                if ("tool_use".equals(block.path("type").asText())) {
                    uses.add(block);
                } else if ("tool_result".equals(block.path("type").asText())) {
                    results.add(block);
                    assertThat(turnsOut.get(i - 1).path("content").toString()).as("a result follows its call")
                            .contains(block.path("tool_use_id").asText());
                }
            }
        }
        assertThat(uses).hasSize(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            assertThat(uses.get(i).path("id").asText()).isEqualTo(calls.get(i).path("call_id").asText());
            assertThat(uses.get(i).path("name").asText()).isEqualTo(calls.get(i).path("name").asText());
            assertThat(uses.get(i).path("input")).isEqualTo(RandomJson.JSON.readTree(calls.get(i).path("arguments").asText()));
        }
        assertThat(results).extracting(result -> result.path("content").asText()).containsExactlyElementsOf(outputs);
    }

    /** A random Messages answer, and the checks that a Responses client was told all of it. */
    private static final class Answer {
        final RandomMessagesAnswer random;
        final List<ObjectNode> blocks;
        final long input;
        final long read;
        final long write;
        final long output;

        Answer(RandomJson r) {
            random = new RandomMessagesAnswer(r);
            blocks = random.blocks;
            input = random.input;
            read = random.read;
            write = random.write;
            output = random.output;
        }

        ObjectNode whole() {
            return random.whole();
        }

        byte[] stream(RandomJson r) {
            return random.stream(r);
        }

        void assertKeptIn(ResponsesGrammar.Said said) throws IOException {
            StringBuilder text = new StringBuilder();
            List<ObjectNode> uses = new ArrayList<>();
            for (ObjectNode block : blocks) {
                if ("text".equals(block.path("type").asText())) {
                    text.append(block.path("text").asText());
                } else if ("tool_use".equals(block.path("type").asText())) {
                    uses.add(block);
                }
            }
            assertThat(said.text()).isEqualTo(text.toString());
            assertThat(said.calls()).hasSize(uses.size());
            for (int i = 0; i < uses.size(); i++) {
                ResponsesGrammar.Call call = said.calls().get(i);
                ObjectNode use = uses.get(i);
                assertThat(call.callId()).isEqualTo(use.path("id").asText());
                assertThat(call.name()).isEqualTo(use.path("name").asText());
                if ("apply_patch".equals(use.path("name").asText())) {
                    assertThat(call.type()).isEqualTo("custom_tool_call");
                    assertThat(call.value()).isEqualTo(use.path("input").path("input").asText());
                } else {
                    assertThat(RandomJson.JSON.readTree(call.value())).isEqualTo(use.path("input"));
                }
            }
            assertThat(said.usage().path("input_tokens").asLong()).isEqualTo(input + read + write);
            assertThat(said.usage().path("input_tokens_details").path("cached_tokens").asLong()).isEqualTo(read);
            assertThat(said.usage().path("output_tokens").asLong()).isEqualTo(output);
            assertThat(said.usage().path("total_tokens").asLong()).isEqualTo(input + read + write + output);
        }
    }

    private static TranslatedCall call() {
        ObjectNode request = RandomJson.JSON.createObjectNode().put("model", "gpt-5").put("input", "x").put("stream", true);
        request.putArray("tools").addObject().put("type", "custom").put("name", "apply_patch");
        return TRANSLATION.request(request);
    }

    @Property
    void aWholeAnswerKeepsEveryTextToolCallAndUsageNumber(@ForAll long seed) throws IOException {
        Answer answer = new Answer(new RandomJson(seed));
        ObjectNode response = call().answer(answer.whole());
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ResponsesGrammar.Call> calls = new ArrayList<>();
        response.path("output").forEach(item -> ResponsesGrammar.collect(item, text, reasoning, calls));
        answer.assertKeptIn(new ResponsesGrammar.Said(response.path("id").asText(), text.toString(), reasoning.toString(),
                calls, response.path("status").asText(), response.path("usage"), null, response));
        assertThat(response.path("status").asText()).isEqualTo("completed");
    }

    @Property
    void aStreamedAnswerCutAnywhereKeepsEveryTextToolCallAndUsageNumber(@ForAll long seed) throws IOException {
        RandomJson r = new RandomJson(seed);
        Answer answer = new Answer(r);
        byte[] upstream = answer.stream(r);
        ResponsesGrammar.Said said = ResponsesGrammar.check(Sse.events(Sse.translate(call().events(), upstream,
                r.cuts(upstream.length))));
        assertThat(said.error()).isNull();
        answer.assertKeptIn(said);
    }
}
