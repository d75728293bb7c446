package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tool calls of a Responses API answer: its call output items ({@link ResponsesApi#isCall}). A denied
 * one becomes an assistant message item at the same place. Stateless.
 */
final class ResponsesToolCalls implements ToolCalls {
    private final ApiDialect api;

    ResponsesToolCalls(ApiDialect api) {
        this.api = api;
    }

    @Override
    public ToolCallStream stream() {
        return new ResponsesCallStream(api);
    }

    @Override
    public List<ToolCall> calls(ObjectNode answer) {
        List<ToolCall> calls = new ArrayList<>();
        JsonNode output = answer.path("output");
        for (int i = 0; i < output.size(); i++) {
            JsonNode item = output.get(i);
            if (ResponsesApi.isCall(item)) {
                calls.add(new ToolCall(i, item.path("call_id").asText(null), ResponsesApi.toolName(item),
                        ResponsesApi.callInput(item)));
            }
        }
        return calls;
    }

    @Override
    public void rewrite(ObjectNode answer, Map<Integer, JsonNode> inputs) {
        JsonNode output = answer.path("output");
        inputs.forEach((key, input) -> {
            if (output.path(key).isObject()) {
                ResponsesCallStream.setInput((ObjectNode) output.path(key), input);
            }
        });
    }

    @Override
    public void replace(ObjectNode answer, Map<Integer, String> denied) {
        if (!answer.path("output").isArray()) {
            return;
        }
        ArrayNode output = (ArrayNode) answer.path("output");
        denied.forEach((key, text) -> {
            String id = "msg_interpose_" + output.get(key).path("call_id").asText(null);
            output.set(key, ResponsesApi.messageItem(id, "completed", text));
        });
    }
}
