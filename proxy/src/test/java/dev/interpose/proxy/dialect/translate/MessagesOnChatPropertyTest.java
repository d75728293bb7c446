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
 * Random Messages requests as Chat requests keep every text, image, tool call (id, name, input), tool result
 * and number a Chat request can hold; random Chat answers, whole and streamed in random chunks cut at random
 * bytes, come back as Messages answers with every text, tool call (id, name, arguments) and usage number.
 */
class MessagesOnChatPropertyTest {
    private static final Translation TRANSLATION = Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT);

    // --- requests ---

    @Property
    void aRequestKeepsEveryTextToolCallIdAndNumber(@ForAll long seed) throws IOException {
        RandomMessagesRequest conversation = new RandomMessagesRequest(new RandomJson(seed));
        ObjectNode chat = TRANSLATION.request(conversation.request).body();
        String all = chat.toString();
        List<String> contents = new ArrayList<>();
        for (JsonNode message : chat.path("messages")) {
            contents.add(Json.joinedText(message.path("content"), "\n"));
        }
        for (String text : conversation.texts) {
            assertThat(contents).as("text %s", text).anySatisfy(content -> assertThat(content).contains(text));
        }
        for (String image : conversation.images) {
            assertThat(all).contains("data:image/png;base64," + image);
        }
        List<String> seen = new ArrayList<>();
        JsonNode messages = chat.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            for (JsonNode call : messages.get(i).path("tool_calls")) {
                seen.add(call.path("id").asText());
                ObjectNode use = conversation.toolUses.stream().filter(u -> u.path("id").asText().equals(call.path("id").asText()))
                        .findFirst().orElseThrow();
                assertThat(call.path("function").path("name").asText()).isEqualTo(use.path("name").asText());
                assertThat(RandomJson.JSON.readTree(call.path("function").path("arguments").asText())).isEqualTo(use.path("input"));
            }
            if ("tool".equals(messages.get(i).path("role").asText())) {
                String id = messages.get(i).path("tool_call_id").asText();
                int j = i - 1;
                while ("tool".equals(messages.get(j).path("role").asText())) {
                    j--;
                }
                assertThat(messages.get(j).path("tool_calls").toString()).as("a result right after its call").contains(id);
            }
        }
        assertThat(seen).containsExactlyElementsOf(conversation.toolUses.stream().map(u -> u.path("id").asText()).toList());
        assertThat(messages.findValuesAsText("tool_call_id")).containsExactlyElementsOf(conversation.resultIds);
        assertThat(chat.path("max_tokens").asLong()).isEqualTo(conversation.request.path("max_tokens").asLong());
        assertThat(chat.path("temperature")).isEqualTo(conversation.request.path("temperature"));
        assertThat(chat.path("top_p")).isEqualTo(conversation.request.path("top_p"));
        assertThat(chat.path("tools").get(0).path("function").path("parameters"))
                .isEqualTo(conversation.request.path("tools").get(0).path("input_schema"));
    }

    // --- answers ---

    /** A random Chat answer: its text, tool calls and usage, whole and as a stream. */
    private static final class Answer {
        final String text;
        final List<String[]> calls = new ArrayList<>(); // id, name, arguments
        final long prompt;
        final long cached;
        final long completion;
        final boolean usage;

        Answer(RandomJson r) {
            text = r.chance(4) ? null : r.text();
            for (int i = r.random.nextInt(4); i > 0; i--) {
                calls.add(new String[] {r.id("call_"), r.name(), Json.write(r.input())});
            }
            prompt = r.random.nextInt(1_000_000);
            cached = r.chance(2) ? 0 : r.random.nextInt((int) prompt + 1);
            completion = r.random.nextInt(100_000);
            usage = !r.chance(5);
        }

        String finish() {
            return calls.isEmpty() ? "stop" : "tool_calls";
        }

        ObjectNode usageJson() {
            ObjectNode usage = RandomJson.JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                    .put("total_tokens", prompt + completion);
            usage.putObject("prompt_tokens_details").put("cached_tokens", cached);
            return usage;
        }

        ObjectNode whole() {
            ObjectNode body = RandomJson.JSON.createObjectNode().put("id", "chatcmpl-x").put("model", "m");
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", finish());
            ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", text);
            if (!calls.isEmpty()) {
                ArrayNode list = message.putArray("tool_calls");
                for (String[] call : calls) {
                    list.addObject().put("id", call[0]).put("type", "function").putObject("function")
                            .put("name", call[1]).put("arguments", call[2]);
                }
            }
            if (usage) {
                body.set("usage", usageJson());
            }
            return body;
        }

        byte[] stream(RandomJson r) {
            StringBuilder out = new StringBuilder();
            out.append(chunk(delta -> delta.put("role", "assistant").put("content", ""), null));
            if (text != null) {
                for (String piece : r.pieces(text)) {
                    out.append(chunk(delta -> delta.put("content", piece), null));
                }
            }
            for (int i = 0; i < calls.size(); i++) {
                String[] call = calls.get(i);
                List<String> pieces = r.pieces(call[2]);
                int index = i;
                out.append(chunk(delta -> delta.putArray("tool_calls").addObject().put("index", index).put("id", call[0])
                        .put("type", "function").putObject("function").put("name", call[1]).put("arguments", pieces.get(0)), null));
                for (String piece : pieces.subList(1, pieces.size())) {
                    out.append(chunk(delta -> delta.putArray("tool_calls").addObject().put("index", index)
                            .putObject("function").put("arguments", piece), null));
                }
            }
            boolean usageOnFinish = usage && r.chance(2);
            ObjectNode finish = chunkJson(delta -> { }, finish());
            if (usageOnFinish) {
                finish.set("usage", usageJson());
            }
            out.append("data: ").append(finish).append("\n\n");
            if (usage && !usageOnFinish) {
                ObjectNode last = RandomJson.JSON.createObjectNode().put("id", "chatcmpl-x").put("model", "m");
                last.putArray("choices");
                last.set("usage", usageJson());
                out.append("data: ").append(last).append("\n\n");
            }
            if (!r.chance(5)) {
                out.append("data: [DONE]\n\n");
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        private static String chunk(java.util.function.Consumer<ObjectNode> delta, String finish) {
            return "data: " + chunkJson(delta, finish) + "\n\n";
        }

        private static ObjectNode chunkJson(java.util.function.Consumer<ObjectNode> delta, String finish) {
            ObjectNode chunk = RandomJson.JSON.createObjectNode().put("id", "chatcmpl-x").put("model", "m");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            delta.accept(choice.putObject("delta"));
            choice.put("finish_reason", finish);
            return chunk;
        }

        void assertKeptIn(String text, List<MessagesGrammar.ToolUse> tools, JsonNode usageOut) throws IOException {
            assertThat(text).isEqualTo(this.text == null ? "" : this.text);
            assertThat(tools).hasSize(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                assertThat(tools.get(i).id()).isEqualTo(calls.get(i)[0]);
                assertThat(tools.get(i).name()).isEqualTo(calls.get(i)[1]);
                assertThat(tools.get(i).input()).isEqualTo(RandomJson.JSON.readTree(calls.get(i)[2]));
            }
            long read = usageOut.path("cache_read_input_tokens").asLong();
            assertThat(usageOut.path("input_tokens").asLong() + read).isEqualTo(usage ? prompt : 0);
            assertThat(read).isEqualTo(usage ? cached : 0);
            assertThat(usageOut.path("output_tokens").asLong()).isEqualTo(usage ? completion : 0);
        }
    }

    private static TranslatedCall call() {
        ObjectNode request = RandomJson.JSON.createObjectNode().put("model", "c").put("max_tokens", 9).put("stream", true);
        request.putArray("messages").addObject().put("role", "user").put("content", "x");
        return TRANSLATION.request(request);
    }

    @Property
    void aWholeAnswerKeepsEveryTextToolCallAndUsageNumber(@ForAll long seed) throws IOException {
        Answer answer = new Answer(new RandomJson(seed));
        ObjectNode message = call().answer(answer.whole());
        StringBuilder text = new StringBuilder();
        List<MessagesGrammar.ToolUse> tools = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText());
            } else {
                tools.add(new MessagesGrammar.ToolUse(block.path("id").asText(), block.path("name").asText(),
                        block.path("input").toString()));
            }
        }
        answer.assertKeptIn(text.toString(), tools, message.path("usage"));
        assertThat(message.path("stop_reason").asText()).isEqualTo(answer.calls.isEmpty() ? "end_turn" : "tool_use");
    }

    @Property
    void aStreamedAnswerCutAnywhereKeepsEveryTextToolCallAndUsageNumber(@ForAll long seed) throws IOException {
        RandomJson r = new RandomJson(seed);
        Answer answer = new Answer(r);
        byte[] upstream = answer.stream(r);
        byte[] client = Sse.translate(call().events(), upstream, r.cuts(upstream.length));
        MessagesGrammar.Said said = MessagesGrammar.check(Sse.events(client));
        assertThat(said.error()).isNull();
        answer.assertKeptIn(said.text(), said.tools(), said.usage());
        assertThat(said.stopReason()).isEqualTo(answer.calls.isEmpty() ? "end_turn" : "tool_use");
    }
}
