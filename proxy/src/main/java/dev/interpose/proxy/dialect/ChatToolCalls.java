package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tool calls of a Chat Completions answer: the {@code tool_calls} of its first choice. Denied calls are
 * cut out, the texts saying so are added to the message's content, and {@code finish_reason: tool_calls}
 * becomes {@code stop} when no call is left. Calls in another choice, or a legacy {@code function_call},
 * make an answer unjudgeable. Stateless.
 */
final class ChatToolCalls implements ToolCalls {
    private final ApiDialect api;

    ChatToolCalls(ApiDialect api) {
        this.api = api;
    }

    @Override
    public ToolCallStream stream() {
        return new ChatCallStream(api);
    }

    @Override
    public String unjudgeable(ObjectNode answer) {
        return unjudgeable(answer, "message");
    }

    /**
     * Why the tool calls of a Chat chunk ({@code part} {@code delta}) or answer ({@code message}) cannot be
     * judged, or null: calls in a choice other than the first (a client keys choices by their index), or a
     * legacy {@code function_call}, which the gate does not read.
     */
    static String unjudgeable(JsonNode data, String part) {
        JsonNode choices = data.path("choices");
        for (int i = 0; i < choices.size(); i++) {
            JsonNode choice = choices.get(i);
            JsonNode content = choice.path(part);
            if (content.hasNonNull("function_call")) {
                return "a choice has a legacy function_call, which the proxy does not check";
            }
            if (content.path("tool_calls").size() > 0 && (i > 0 || choice.path("index").asInt(0) != 0)) {
                return "tool calls come in a choice other than the first, which the proxy does not check";
            }
        }
        return null;
    }

    @Override
    public List<ToolCall> calls(ObjectNode answer) {
        List<ToolCall> calls = new ArrayList<>();
        JsonNode list = answer.path("choices").path(0).path("message").path("tool_calls");
        for (int i = 0; i < list.size(); i++) {
            JsonNode part = list.get(i);
            JsonNode function = part.path("function");
            calls.add(new ToolCall(i, part.path("id").asText(null), function.path("name").asText(""),
                    Arguments.parse(function.path("arguments"))));
        }
        return calls;
    }

    @Override
    public void rewrite(ObjectNode answer, Map<Integer, JsonNode> inputs) {
        JsonNode list = answer.path("choices").path(0).path("message").path("tool_calls");
        inputs.forEach((key, input) -> {
            if (list.path(key).path("function").isObject()) {
                ((ObjectNode) list.path(key).path("function")).put("arguments",
                        input.isTextual() ? input.asText() : input.toString());
            }
        });
    }

    @Override
    public void replace(ObjectNode answer, Map<Integer, String> denied) {
        JsonNode choice = answer.path("choices").path(0);
        JsonNode list = choice.path("message").path("tool_calls");
        if (denied.isEmpty() || !list.isArray()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<Integer, String> e : new TreeMap<>(denied).descendingMap().entrySet()) {
            ((ArrayNode) list).remove(e.getKey()); // from the end, so removals keep earlier indexes
            text.insert(0, (text.length() == 0 ? "" : "\n") + e.getValue());
        }
        ObjectNode message = (ObjectNode) choice.path("message");
        String before = message.path("content").isTextual() ? message.path("content").asText() + "\n\n" : "";
        message.put("content", before + text);
        if (list.isEmpty()) {
            message.remove("tool_calls");
            ((ObjectNode) choice).put("finish_reason", "stop");
        }
    }
}
