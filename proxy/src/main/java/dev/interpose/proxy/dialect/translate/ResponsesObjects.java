package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Responses API's objects, as the streamed and the whole answer both write them: the response, and its
 * output items (an assistant message, a function or custom tool call, a reasoning summary) with the fields
 * Codex reads ({@code type}, {@code id}, {@code call_id}, {@code name}, {@code arguments} or {@code input},
 * {@code status}, {@code content[].text}, {@code summary[].text}). Stateless.
 */
final class ResponsesObjects {
    private ResponsesObjects() {
    }

    /** The response object: {@code output} and {@code usage} may be null (none yet). */
    static ObjectNode response(String id, ResponsesShape shape, String model, String status, ArrayNode output,
            ObjectNode usage) {
        ObjectNode response = Json.object().put("id", id).put("object", "response").put("created_at", shape.createdAt());
        response.put("status", status).putNull("error").putNull("incomplete_details").putNull("instructions");
        response.put("model", model != null ? model : shape.model() != null ? shape.model() : "unknown");
        response.set("output", output == null ? Json.array() : output.deepCopy());
        response.put("parallel_tool_calls", shape.parallelToolCalls()).putNull("previous_response_id");
        response.put("store", false);
        response.set("tool_choice", shape.toolChoice() == null ? Json.MAPPER.getNodeFactory().textNode("auto")
                : shape.toolChoice().deepCopy());
        response.putArray("tools");
        if (usage == null) {
            response.putNull("usage");
        } else {
            response.set("usage", usage);
        }
        response.putObject("metadata");
        return response;
    }

    /** A response that stopped so: {@code completed}, or {@code incomplete} with its reason. */
    static void stopped(ObjectNode response, String stopReason) {
        if (Stops.incomplete(stopReason)) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", Stops.incompleteReason(stopReason));
        } else {
            response.put("status", "completed");
        }
    }

    static ObjectNode message(String id, String status, String text) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    /**
     * The call item of a {@code tool_use} block named {@code anthropicName}: a {@code custom_tool_call} for a
     * freeform tool (its {@code input} is {@code value}), else a {@code function_call} whose {@code arguments}
     * are {@code value} (with the {@code namespace} for a namespaced tool).
     */
    static ObjectNode call(ResponsesShape shape, String itemId, String status, String callId, String anthropicName,
            String value) {
        ObjectNode item = Json.object().put("id", itemId);
        if (shape.custom(anthropicName)) {
            item.put("type", "custom_tool_call").put("status", status).put("call_id", callId).put("name", anthropicName)
                    .put("input", value);
            return item;
        }
        ResponsesShape.Namespaced namespaced = shape.namespaced().get(anthropicName);
        item.put("type", "function_call").put("status", status).put("call_id", callId);
        if (namespaced != null) {
            item.put("name", namespaced.name()).put("namespace", namespaced.namespace());
        } else {
            item.put("name", anthropicName);
        }
        item.put("arguments", value);
        return item;
    }

    /** A custom tool's input: the string Anthropic's tool_use carries under {@code input}. */
    static String customInput(JsonNode toolInput) {
        JsonNode input = toolInput.path("input");
        return input.isTextual() ? input.asText() : toolInput.isObject() && toolInput.isEmpty() ? "" : Json.write(toolInput);
    }

    static ObjectNode reasoning(String id, String summary) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        ArrayNode parts = item.putArray("summary");
        if (summary != null) {
            parts.add(summaryText(summary));
        }
        return item;
    }

    static ObjectNode summaryText(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }

    /** The response id for a Messages answer's id. */
    static String responseId(String messageId) {
        return "resp_" + (messageId == null || messageId.isEmpty() ? Ids.random() : messageId);
    }
}
