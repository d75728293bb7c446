package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Messages and Chat checked both ways: a random Messages request taken to Chat and back, and a random Messages
 * answer taken to Chat and back (whole, and streamed through both stream steps in random pieces), keep every
 * text, tool call (id, name, input), tool result and usage number.
 */
class MessagesChatRoundTripPropertyTest {
    private static final TranslationOptions OPTIONS = TranslationOptions.DEFAULTS;

    @Property
    void aRequestThereAndBack(@ForAll long seed) {
        RandomMessagesRequest random = new RandomMessagesRequest(new RandomJson(seed));
        ObjectNode back = ChatToMessagesRequest.translate(MessagesToChatRequest.translate(random.request, OPTIONS), OPTIONS);
        assertThat(back.path("max_tokens").asLong()).isEqualTo(random.request.path("max_tokens").asLong());
        assertThat(back.path("top_p")).isEqualTo(random.request.path("top_p"));
        assertThat(back.path("temperature").isMissingNode()).isEqualTo(random.request.path("temperature").isMissingNode());
        assertThat(uses(back)).containsExactlyElementsOf(uses(random.request));
        String all = back.toString();
        for (String text : random.texts) {
            assertThat(all).contains(Json.write(Json.MAPPER.getNodeFactory().textNode(text)).replaceAll("^\"|\"$", ""));
        }
        for (String image : random.images) {
            assertThat(all).contains(image);
        }
        List<String> results = new ArrayList<>();
        back.path("messages").forEach(m -> m.path("content").forEach(b -> {
            if ("tool_result".equals(b.path("type").asText())) {
                results.add(b.path("tool_use_id").asText());
            }
        }));
        assertThat(results).containsExactlyElementsOf(random.resultIds);
    }

    private static List<JsonNode> uses(JsonNode request) {
        List<JsonNode> out = new ArrayList<>();
        request.path("messages").forEach(m -> m.path("content").forEach(b -> {
            if ("tool_use".equals(b.path("type").asText())) {
                ObjectNode copy = b.deepCopy();
                copy.remove("cache_control");
                out.add(copy);
            }
        }));
        return out;
    }

    @Property
    void anAnswerThereAndBack(@ForAll long seed) {
        RandomMessagesAnswer random = new RandomMessagesAnswer(new RandomJson(seed));
        ObjectNode back = ChatToMessagesAnswer.translate(MessagesToChatAnswer.translate(random.whole(), "m", 1), "m");
        StringBuilder text = new StringBuilder();
        List<JsonNode> uses = new ArrayList<>();
        for (ObjectNode block : random.blocks) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText());
            } else if ("tool_use".equals(block.path("type").asText())) {
                uses.add(block);
            }
        }
        StringBuilder backText = new StringBuilder();
        List<JsonNode> backUses = new ArrayList<>();
        back.path("content").forEach(block -> {
            if ("text".equals(block.path("type").asText())) {
                backText.append(block.path("text").asText());
            } else if ("tool_use".equals(block.path("type").asText())) {
                backUses.add(block);
            }
        });
        assertThat(backText.toString()).isEqualTo(text.toString());
        assertThat(backUses).containsExactlyElementsOf(uses);
        assertThat(back.path("stop_reason").asText()).isEqualTo(random.stopReason());
        assertThat(back.path("usage").path("output_tokens").asLong()).isEqualTo(random.output);
        assertThat(back.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(random.read);
        assertThat(back.path("usage").path("input_tokens").asLong()).isEqualTo(random.input + random.write);
    }

    @Property
    void aStreamThereAndBack(@ForAll long seed) {
        RandomJson r = new RandomJson(seed);
        RandomMessagesAnswer random = new RandomMessagesAnswer(r);
        byte[] upstream = random.stream(r);
        EventTranslator both = new Pipeline(new MessagesToChatEvents("m", true, 1), new ChatToMessagesEvents("m"));
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
        assertThat(said.usage().path("input_tokens").asLong()).isEqualTo(random.input + random.write);
    }
}
