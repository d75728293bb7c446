package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A model response put together from its stream (or read from its JSON body), as {@code PostResponse} and
 * {@code Stop} hooks see it.
 *
 * @param model      the model that answered, or null
 * @param text       the assistant text, every text part joined
 * @param toolCalls  the tool calls, in order
 * @param stopReason the API's own reason: Anthropic's {@code stop_reason}, the Responses API's {@code status}
 *                   (with the incomplete reason after a colon), Chat's {@code finish_reason}; null when not seen
 * @param usage      the usage object as the API reported it, or null
 * @param error      the error the answer ended on, {@code {"type": ..., "message": ...}} (an {@code error} event, a
 *                   failed response), or null
 */
public record AssembledResponse(String model, String text, List<ToolCall> toolCalls, String stopReason, JsonNode usage,
        JsonNode error) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tool call the model asked for. */
    public record ToolCall(String id, String name, JsonNode input) {
    }

    public AssembledResponse {
        toolCalls = List.copyOf(toolCalls);
    }

    public AssembledResponse(String model, String text, List<ToolCall> toolCalls, String stopReason, JsonNode usage) {
        this(model, text, toolCalls, stopReason, usage, null);
    }

    /** Whether the turn ended without asking for a tool. */
    public boolean endsTurn() {
        return toolCalls.isEmpty();
    }

    /** Whether the answer ended on an error: the turn failed. */
    public boolean failed() {
        return error != null;
    }

    /** The {@code response} object of a hook's input. */
    public ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", model).put("text", text);
        ArrayNode calls = out.putArray("tool_calls");
        for (ToolCall call : toolCalls) {
            ObjectNode c = calls.addObject().put("id", call.id()).put("name", call.name());
            c.set("input", call.input());
        }
        out.put("stop_reason", stopReason);
        out.set("usage", usage);
        return out;
    }
}
