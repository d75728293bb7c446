package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tool calls of an Anthropic Messages answer: its {@code tool_use} content blocks. A denied one becomes
 * a {@code text} block at the same place, and {@code stop_reason: tool_use} becomes {@code end_turn} when no
 * call is left. Stateless.
 */
final class MessagesToolCalls implements ToolCalls {
    private final ApiDialect api;

    MessagesToolCalls(ApiDialect api) {
        this.api = api;
    }

    @Override
    public ToolCallStream stream() {
        return new MessagesCallStream(api);
    }

    @Override
    public List<ToolCall> calls(ObjectNode answer) {
        List<ToolCall> calls = new ArrayList<>();
        JsonNode content = answer.path("content");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if ("tool_use".equals(part.path("type").asText())) {
                calls.add(new ToolCall(i, part.path("id").asText(null), part.path("name").asText(""), part.path("input")));
            }
        }
        return calls;
    }

    @Override
    public void replace(ObjectNode answer, Map<Integer, String> denied) {
        if (denied.isEmpty() || !answer.path("content").isArray()) {
            return;
        }
        ArrayNode content = (ArrayNode) answer.path("content");
        denied.forEach((key, text) -> content.set(key, textBlock(text)));
        if (calls(answer).isEmpty() && "tool_use".equals(answer.path("stop_reason").asText())) {
            answer.put("stop_reason", "end_turn");
        }
    }

    @Override
    public void rewrite(ObjectNode answer, Map<Integer, JsonNode> inputs) {
        JsonNode content = answer.path("content");
        inputs.forEach((key, input) -> {
            if (content.path(key).isObject()) {
                ((ObjectNode) content.path(key)).set("input", input);
            }
        });
    }

    private static ObjectNode textBlock(String text) {
        return Parts.JSON.createObjectNode().put("type", "text").put("text", text);
    }
}
