package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Messages and Responses checked both ways: a random Messages request taken to Responses and back, a random
 * Messages answer taken to Responses and back (whole, and streamed through both stream steps in random
 * pieces), keep every text, tool call (id, name, input), tool result and usage number.
 */
class MessagesResponsesRoundTripPropertyTest {
    private static final TranslationOptions OPTIONS = TranslationOptions.DEFAULTS;

    @Property
    void aRequestThereAndBack(@ForAll long seed) {
        RandomMessagesRequest random = new RandomMessagesRequest(new RandomJson(seed));
        ObjectNode responses = MessagesToResponsesRequest.translate(random.request, OPTIONS);
        ObjectNode back = ResponsesToMessagesRequest.translate(responses, OPTIONS).body();
        assertThat(back.path("max_tokens").asLong()).isEqualTo(random.request.path("max_tokens").asLong());
        assertThat(back.path("temperature")).isEqualTo(random.request.path("temperature"));
        assertThat(back.path("top_p")).isEqualTo(random.request.path("top_p"));
        assertThat(blocks(back, "tool_use")).containsExactlyElementsOf(blocks(random.request, "tool_use"));
        List<String> resultIds = new ArrayList<>();
        blocks(back, "tool_result").forEach(result -> resultIds.add(result.path("tool_use_id").asText()));
        assertThat(resultIds).containsExactlyElementsOf(random.resultIds);
        String all = back.toString();
        for (String text : random.texts) {
            assertThat(all).contains(Json.write(Json.MAPPER.getNodeFactory().textNode(text)).replaceAll("^\"|\"$", ""));
        }
        for (String image : random.images) {
            assertThat(all).contains(image);
        }
        assertThat(back.path("tools").get(0).path("input_schema")).isEqualTo(random.request.path("tools").get(0).path("input_schema"));
    }

    /** The blocks of a type in a request's messages, in order, without cache markers. */
    private static List<JsonNode> blocks(JsonNode request, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode message : request.path("messages")) {
            for (JsonNode block : message.path("content")) {
                if (type.equals(block.path("type").asText())) {
                    ObjectNode copy = block.deepCopy();
                    copy.remove("cache_control");
                    out.add(copy);
                }
            }
        }
        return out;
    }

    private static ResponsesShape shape() {
        ObjectNode request = Json.object().put("model", "gpt-5").put("input", "x");
        request.putArray("tools").addObject().put("type", "custom").put("name", "apply_patch");
        return ResponsesToMessagesRequest.translate(request, OPTIONS).shape();
    }

    @Property
    void anAnswerThereAndBack(@ForAll long seed) {
        RandomMessagesAnswer random = new RandomMessagesAnswer(new RandomJson(seed));
        ObjectNode original = random.whole();
        ObjectNode back = ResponsesToMessagesAnswer.translate(MessagesToResponsesAnswer.translate(original, shape()), "m");
        assertThat(back.path("content")).hasSameSizeAs(original.path("content"));
        for (int i = 0; i < original.path("content").size(); i++) {
            JsonNode was = original.path("content").get(i);
            JsonNode is = back.path("content").get(i);
            assertThat(is.path("type")).isEqualTo(was.path("type"));
            for (String field : new String[] {"text", "thinking", "id", "name", "input"}) {
                assertThat(is.path(field)).as(field).isEqualTo(was.path(field));
            }
        }
        assertThat(back.path("stop_reason").asText()).isEqualTo(random.stopReason());
        assertThat(back.path("usage").path("output_tokens").asLong()).isEqualTo(random.output);
        assertThat(back.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(random.read);
        assertThat(back.path("usage").path("input_tokens").asLong()).as("cache writes count as input in OpenAI's terms")
                .isEqualTo(random.input + random.write);
    }

    @Property
    void aStreamThereAndBack(@ForAll long seed) {
        RandomJson r = new RandomJson(seed);
        RandomMessagesAnswer random = new RandomMessagesAnswer(r);
        byte[] upstream = random.stream(r);
        EventTranslator both = new Pipeline(new MessagesToResponsesEvents(shape()), new ResponsesToMessagesEvents("m"));
        MessagesGrammar.Said said = MessagesGrammar.check(Sse.events(Sse.translate(both, upstream, r.cuts(upstream.length))));
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ObjectNode> uses = new ArrayList<>();
        for (ObjectNode block : random.blocks) {
            switch (block.path("type").asText()) {
                case "text": text.append(block.path("text").asText()); break;
                case "thinking": thinking.append(block.path("thinking").asText()); break;
                default: uses.add(block);
            }
        }
        assertThat(said.text()).isEqualTo(text.toString());
        assertThat(said.thinking()).isEqualTo(thinking.toString());
        assertThat(said.tools()).hasSize(uses.size());
        for (int i = 0; i < uses.size(); i++) {
            assertThat(said.tools().get(i).id()).isEqualTo(uses.get(i).path("id").asText());
            assertThat(said.tools().get(i).name()).isEqualTo(uses.get(i).path("name").asText());
            assertThat(said.tools().get(i).input()).isEqualTo(uses.get(i).path("input"));
        }
        assertThat(said.stopReason()).isEqualTo(random.stopReason());
        assertThat(said.usage().path("output_tokens").asLong()).isEqualTo(random.output);
        assertThat(said.usage().path("cache_read_input_tokens").asLong()).isEqualTo(random.read);
    }
}
