package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole Messages answer as a Responses answer: each text block an assistant message item, each
 * {@code tool_use} a {@code function_call} (its id the {@code call_id}, its input as JSON arguments) or, for
 * a freeform tool, a {@code custom_tool_call}; thinking as a reasoning item with its summary; the stop
 * reason as {@code completed} or {@code incomplete}; usage with the whole prompt as input and cache reads as
 * cached tokens. The same items, with the same ids, as the streamed answer's. Stateless.
 */
final class MessagesToResponsesAnswer {
    private MessagesToResponsesAnswer() {
    }

    static ObjectNode translate(JsonNode message, ResponsesShape shape) {
        String messageId = Json.text(message.path("id"));
        String id = ResponsesObjects.responseId(messageId);
        ArrayNode output = Json.array();
        int index = 0;
        for (JsonNode block : message.path("content")) {
            ObjectNode item = item(block, id, index, shape);
            if (item != null) {
                output.add(item);
            }
            index++;
        }
        TokenCounts usage = new TokenCounts().messages(message.path("usage"));
        ObjectNode response = ResponsesObjects.response(id, shape, Json.text(message.path("model")), "completed", output,
                usage.toResponses());
        ResponsesObjects.stopped(response, Json.text(message.path("stop_reason")));
        return response;
    }

    /** The output item of one content block (null for a block the Responses API has no item for). */
    private static ObjectNode item(JsonNode block, String responseId, int index, ResponsesShape shape) {
        switch (block.path("type").asText()) {
            case "text":
                return ResponsesObjects.message(itemId("msg", responseId, index), "completed", block.path("text").asText(""));
            case "tool_use": {
                String name = block.path("name").asText("");
                String value = shape.custom(name) ? ResponsesObjects.customInput(block.path("input"))
                        : Json.write(block.path("input").isObject() ? block.path("input") : Json.object());
                String callId = block.path("id").asText();
                return ResponsesObjects.call(shape, itemId("fc", responseId, index), "completed", callId, name, value);
            }
            case "thinking":
                return ResponsesObjects.reasoning(itemId("rs", responseId, index), block.path("thinking").asText(""));
            default:
                return null; // redacted thinking, server tools' blocks: nothing a Responses client reads
        }
    }

    /** An output item's id: its kind, the response, and the block's index. */
    static String itemId(String kind, String responseId, int index) {
        return kind + "_" + responseId.substring("resp_".length()) + "_" + index;
    }
}
