package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Responses stream against the grammar Codex reads, and returns what it said: every event named by
 * its {@code type} with {@code sequence_number}s 0, 1, 2…; {@code response.created} and
 * {@code response.in_progress} first; output items one at a time, numbered by {@code output_index} in order,
 * each from {@code output_item.added} through its parts and deltas to {@code output_item.done}, the deltas
 * adding up to the done text or arguments; {@code response.completed} last, listing every item done, with
 * the usage fields Codex requires. Or {@code response.failed} last, with its error.
 */
final class ResponsesGrammar {
    record Call(String type, String callId, String name, String value) {
    }

    record Said(String id, String text, String reasoning, List<Call> calls, String status, JsonNode usage, JsonNode error,
            JsonNode response) {
    }

    private ResponsesGrammar() {
    }

    static Said check(List<Sse.Event> events) {
        assertThat(events).isNotEmpty();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        List<JsonNode> doneItems = new ArrayList<>();
        JsonNode openItem = null;
        StringBuilder deltas = new StringBuilder();
        boolean partOpen = false;
        String id = null;
        for (int i = 0; i < events.size(); i++) {
            Sse.Event event = events.get(i);
            JsonNode data = event.data();
            String type = event.type();
            assertThat(event.name()).as("event %d's name is its type", i).isEqualTo(type);
            assertThat(data.path("sequence_number").asInt(-1)).as("sequence of %s", type).isEqualTo(i);
            boolean last = i == events.size() - 1;
            if (i == 0 && !"response.failed".equals(type)) {
                assertThat(type).isEqualTo("response.created");
                id = data.path("response").path("id").asText();
                assertThat(id).startsWith("resp_");
                continue;
            }
            if (i == 1 && !"response.failed".equals(type)) {
                assertThat(type).isEqualTo("response.in_progress");
                continue;
            }
            switch (type) {
                case "response.output_item.added":
                    assertThat(openItem).as("one item at a time").isNull();
                    assertThat(data.path("output_index").asInt()).isEqualTo(doneItems.size());
                    openItem = data.path("item");
                    assertThat(openItem.path("id").asText()).isNotEmpty();
                    assertThat(openItem.path("status").asText("in_progress")).isEqualTo("in_progress");
                    deltas.setLength(0);
                    break;
                case "response.content_part.added":
                case "response.reasoning_summary_part.added":
                    assertThat(sameItem(data, openItem)).isTrue();
                    partOpen = true;
                    break;
                case "response.output_text.delta":
                case "response.reasoning_summary_text.delta":
                case "response.function_call_arguments.delta":
                case "response.custom_tool_call_input.delta":
                    assertThat(sameItem(data, openItem)).as("%s of the open item", type).isTrue();
                    deltas.append(data.path("delta").asText());
                    break;
                case "response.output_text.done":
                case "response.reasoning_summary_text.done":
                    assertThat(sameItem(data, openItem)).isTrue();
                    assertThat(data.path("text").asText()).as("the deltas add up").isEqualTo(deltas.toString());
                    break;
                case "response.function_call_arguments.done":
                    assertThat(sameItem(data, openItem)).isTrue();
                    if (deltas.length() > 0) {
                        assertThat(data.path("arguments").asText()).isEqualTo(deltas.toString());
                    }
                    break;
                case "response.custom_tool_call_input.done":
                    assertThat(sameItem(data, openItem)).isTrue();
                    assertThat(data.path("input").asText()).isEqualTo(deltas.toString());
                    break;
                case "response.content_part.done":
                case "response.reasoning_summary_part.done":
                    assertThat(partOpen).isTrue();
                    partOpen = false;
                    break;
                case "response.output_item.done": {
                    assertThat(openItem).as("an item was open").isNotNull();
                    assertThat(partOpen).as("its part is done").isFalse();
                    JsonNode item = data.path("item");
                    assertThat(data.path("output_index").asInt()).isEqualTo(doneItems.size());
                    assertThat(item.path("id").asText()).isEqualTo(openItem.path("id").asText());
                    assertThat(item.path("type").asText()).isEqualTo(openItem.path("type").asText());
                    collect(item, text, reasoning, calls);
                    doneItems.add(item);
                    openItem = null;
                    break;
                }
                case "response.completed": {
                    assertThat(last).as("response.completed is last").isTrue();
                    assertThat(openItem).as("every item done").isNull();
                    JsonNode response = data.path("response");
                    assertThat(response.path("id").asText()).isEqualTo(id);
                    assertThat(response.path("status").asText()).isIn("completed", "incomplete");
                    assertThat(response.path("output")).containsExactlyElementsOf(doneItems);
                    JsonNode usage = response.path("usage");
                    for (String field : new String[] {"input_tokens", "output_tokens", "total_tokens"}) {
                        assertThat(usage.path(field).isIntegralNumber()).as(field).isTrue();
                    }
                    assertThat(usage.path("input_tokens_details").path("cached_tokens").isIntegralNumber()).isTrue();
                    assertThat(usage.path("output_tokens_details").path("reasoning_tokens").isIntegralNumber()).isTrue();
                    return new Said(id, text.toString(), reasoning.toString(), calls, response.path("status").asText(), usage,
                            null, response);
                }
                case "response.failed": {
                    assertThat(last).as("response.failed is last").isTrue();
                    JsonNode error = data.path("response").path("error");
                    assertThat(error.path("code").isTextual()).isTrue();
                    assertThat(error.path("message").isTextual()).isTrue();
                    assertThat(data.path("response").path("status").asText()).isEqualTo("failed");
                    return new Said(id, text.toString(), reasoning.toString(), calls, "failed", null, error, data.path("response"));
                }
                default:
                    throw new AssertionError("an event this translator should not send: " + type);
            }
        }
        throw new AssertionError("the stream ended without response.completed or response.failed");
    }

    private static boolean sameItem(JsonNode event, JsonNode item) {
        return item != null && event.path("item_id").asText().equals(item.path("id").asText())
                && event.path("output_index").isInt();
    }

    /** What a done item says, as Codex reads it. */
    static void collect(JsonNode item, StringBuilder text, StringBuilder reasoning, List<Call> calls) {
        switch (item.path("type").asText()) {
            case "message":
                assertThat(item.path("role").asText()).isEqualTo("assistant");
                for (JsonNode part : item.path("content")) {
                    assertThat(part.path("type").asText()).isEqualTo("output_text");
                    text.append(part.path("text").asText());
                }
                break;
            case "reasoning":
                for (JsonNode part : item.path("summary")) {
                    assertThat(part.path("type").asText()).isEqualTo("summary_text");
                    reasoning.append(part.path("text").asText());
                }
                break;
            case "function_call":
                assertThat(item.path("arguments").isTextual()).as("arguments are a JSON string").isTrue();
                calls.add(new Call("function_call", item.path("call_id").asText(), item.path("name").asText(),
                        item.path("arguments").asText()));
                break;
            case "custom_tool_call":
                calls.add(new Call("custom_tool_call", item.path("call_id").asText(), item.path("name").asText(),
                        item.path("input").asText()));
                break;
            default:
                throw new AssertionError("an item Codex does not read: " + item);
        }
    }
}
