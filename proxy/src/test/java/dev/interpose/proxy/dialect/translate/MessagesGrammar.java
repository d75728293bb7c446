package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Messages stream against the API's grammar, as strictly as the SDKs and Claude Code read it, and
 * returns what it said: {@code message_start} first; blocks numbered 0, 1, 2… in order, one open at a time,
 * each delta of its block's kind and index, one stop per start; {@code message_delta} with a stop reason and
 * usage after every block stopped; {@code message_stop} last. Or an {@code error} event, and nothing after.
 */
final class MessagesGrammar {
    /** Reads a streamed input as a client does: one JSON value and nothing after it. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** A tool call: its id, name and input as streamed (parsed by {@link #input}, which asserts it is an object). */
    record ToolUse(String id, String name, String streamedInput) {
        JsonNode input() {
            return parse(streamedInput);
        }
    }

    record Said(String id, String model, String text, String thinking, List<ToolUse> tools, String stopReason,
            JsonNode usage, JsonNode error) {
    }

    private MessagesGrammar() {
    }

    static Said check(List<Sse.Event> events) {
        assertThat(events).as("events").isNotEmpty();
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ToolUse> tools = new ArrayList<>();
        String id = null;
        String model = null;
        String stopReason = null;
        JsonNode usage = null;
        int nextIndex = 0;
        int open = -1;
        String openType = null;
        String openId = null;
        String openName = null;
        StringBuilder input = new StringBuilder();
        boolean started = false;
        boolean delta = false;
        for (int i = 0; i < events.size(); i++) {
            Sse.Event event = events.get(i);
            assertThat(event.done()).as("no [DONE] in a Messages stream").isFalse();
            String type = event.type();
            assertThat(event.name()).as("event %d's name is its type", i).isEqualTo(type);
            boolean last = i == events.size() - 1;
            if ("error".equals(type)) {
                assertThat(last).as("an error is the last event").isTrue();
                assertThat(event.data().path("error").path("type").isTextual()).isTrue();
                assertThat(event.data().path("error").path("message").isTextual()).isTrue();
                return new Said(id, model, text.toString(), thinking.toString(), tools, null, usage, event.data().path("error"));
            }
            if (!started) {
                assertThat(type).as("the first event").isEqualTo("message_start");
                JsonNode message = event.data().path("message");
                assertThat(message.path("content").isArray() && message.path("content").isEmpty()).isTrue();
                assertThat(message.path("usage").path("input_tokens").isNumber()).isTrue();
                assertThat(message.path("role").asText()).isEqualTo("assistant");
                id = message.path("id").asText();
                model = message.path("model").asText();
                started = true;
                continue;
            }
            assertThat(type).as("one message_start").isNotEqualTo("message_start");
            JsonNode data = event.data();
            switch (type) {
                case "ping":
                    break;
                case "content_block_start":
                    assertThat(delta).as("no block after message_delta").isFalse();
                    assertThat(open).as("one block open at a time").isEqualTo(-1);
                    assertThat(data.path("index").asInt(-1)).as("block indexes in order").isEqualTo(nextIndex);
                    open = nextIndex++;
                    openType = data.path("content_block").path("type").asText();
                    assertThat(openType).isIn("text", "thinking", "tool_use");
                    if ("tool_use".equals(openType)) {
                        openId = data.path("content_block").path("id").asText();
                        openName = data.path("content_block").path("name").asText();
                        assertThat(openId).isNotEmpty();
                        assertThat(data.path("content_block").path("input").isObject()).isTrue();
                    }
                    input.setLength(0);
                    break;
                case "content_block_delta":
                    assertThat(data.path("index").asInt(-2)).as("a delta of the open block").isEqualTo(open);
                    JsonNode d = data.path("delta");
                    switch (openType) {
                        case "text":
                            assertThat(d.path("type").asText()).isEqualTo("text_delta");
                            text.append(d.path("text").asText());
                            break;
                        case "thinking":
                            assertThat(d.path("type").asText()).isIn("thinking_delta", "signature_delta");
                            thinking.append(d.path("thinking").asText(""));
                            break;
                        default:
                            assertThat(d.path("type").asText()).isEqualTo("input_json_delta");
                            input.append(d.path("partial_json").asText());
                    }
                    break;
                case "content_block_stop":
                    assertThat(data.path("index").asInt(-2)).as("a stop of the open block").isEqualTo(open);
                    if ("tool_use".equals(openType)) {
                        tools.add(new ToolUse(openId, openName, input.length() == 0 ? "{}" : input.toString()));
                    }
                    open = -1;
                    break;
                case "message_delta":
                    assertThat(open).as("every block stopped before message_delta").isEqualTo(-1);
                    stopReason = data.path("delta").path("stop_reason").asText(null);
                    assertThat(stopReason).isIn("end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal", "pause_turn");
                    usage = data.path("usage");
                    assertThat(usage.path("output_tokens").isNumber()).isTrue();
                    delta = true;
                    break;
                case "message_stop":
                    assertThat(delta).as("message_delta before message_stop").isTrue();
                    assertThat(last).as("message_stop is last").isTrue();
                    return new Said(id, model, text.toString(), thinking.toString(), tools, stopReason, usage, null);
                default:
                    throw new AssertionError("an event the Messages API does not send: " + type);
            }
        }
        throw new AssertionError("the stream ended without message_stop or error: " + events);
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode value = JSON.readTree(json);
            assertThat(value.isObject()).as("a tool's input is an object: %s", json).isTrue();
            return value;
        } catch (IOException e) {
            throw new AssertionError("a tool's streamed input is not JSON: " + json, e);
        }
    }
}
