package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.error.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's Responses API ({@code /v1/responses}, and the ChatGPT backend's {@code /backend-api/codex/responses}
 * that Codex calls when logged in with ChatGPT: the same JSON at another path). The newest turn is the last
 * {@code input} item: a user message, or the {@code function_call_output} items that answer earlier
 * {@code function_call} items. A stream the proxy cuts short ends in {@code response.failed}, which Codex
 * reads as a failed answer and retries.
 */
public final class ResponsesApi implements ApiDialect {
    private final ToolCalls toolCalls = new ResponsesToolCalls(this);
    private final String name;
    private final String path;

    ResponsesApi(String name, String path) {
        this.name = name;
        this.path = path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Dialect family() {
        return Dialect.OPENAI;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Whether an output item is a tool call: a function, a custom tool, or {@code local_shell}. */
    public static boolean isCall(JsonNode item) {
        String type = item.path("type").asText();
        return "function_call".equals(type) || "custom_tool_call".equals(type) || "local_shell_call".equals(type);
    }

    /** The tool a call item names; {@code local_shell} for a {@code local_shell_call}, which names none. */
    public static String toolName(JsonNode call) {
        return "local_shell_call".equals(call.path("type").asText()) ? "local_shell" : call.path("name").asText("");
    }

    /** What a call item asks its tool to do. */
    public static JsonNode callInput(JsonNode item) {
        switch (item.path("type").asText()) {
            case "custom_tool_call":
                return item.path("input");
            case "local_shell_call":
                return item.path("action");
            default:
                return Arguments.parse(item.path("arguments"));
        }
    }

    // --- errors ---

    @Override
    public byte[] errorBody(ErrorKind kind, String message) {
        return OpenAiErrors.body(kind, message);
    }

    @Override
    public byte[] streamError(String message, int sequence, String responseId) {
        ObjectNode event = Parts.JSON.createObjectNode().put("type", "response.failed").put("sequence_number", sequence);
        ObjectNode response = event.putObject("response");
        if (responseId != null) {
            response.put("id", responseId);
        }
        response.put("object", "response").put("status", "failed");
        response.putObject("error").put("code", "server_error").put("message", message);
        return Parts.event("response.failed", event).getBytes(StandardCharsets.UTF_8);
    }

    // --- the newest turn ---

    @Override
    public String prompt(ObjectNode body) {
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            return input.asText();
        }
        JsonNode newest = input.path(input.size() - 1);
        if (!"user".equals(newest.path("role").asText())) {
            return null;
        }
        return Parts.typed(newest.path("content"), "input_text");
    }

    /**
     * The outputs that end the input ({@code function_call_output}, and {@code custom_tool_call_output} for a custom
     * tool such as Codex's {@code apply_patch}), each with the call it answers: a function, custom tool or
     * {@code local_shell} call of the same {@code call_id}.
     */
    @Override
    public List<ToolResult> toolResults(ObjectNode body) {
        List<ToolResult> out = new ArrayList<>();
        JsonNode input = body.path("input");
        int first = input.size();
        while (first > 0 && isOutput(input.get(first - 1))) {
            first--;
        }
        for (int i = first; i < input.size(); i++) {
            JsonNode result = input.get(i);
            JsonNode call = MissingNode.getInstance();
            for (JsonNode item : input) {
                if (isCall(item) && item.path("call_id").asText().equals(result.path("call_id").asText())) {
                    call = item;
                }
            }
            out.add(new ToolResult(call.isMissingNode() ? null : toolName(call), callInput(call),
                    result.path("output").isTextual() ? result.path("output").asText() : Parts.text(result.path("output")),
                    result.path("call_id").asText(null), false));
        }
        return out;
    }

    @Override
    public void replaceToolResult(ObjectNode body, int index, String output) {
        JsonNode input = body.path("input");
        int first = input.size();
        while (first > 0 && isOutput(input.get(first - 1))) {
            first--;
        }
        if (input.path(first + index).isObject()) {
            ((ObjectNode) input.path(first + index)).put("output", output);
        }
    }

    private static boolean isOutput(JsonNode item) {
        String type = item.path("type").asText();
        return "function_call_output".equals(type) || "custom_tool_call_output".equals(type);
    }

    @Override
    public void addContext(ObjectNode body, String text) {
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            ArrayNode items = body.putArray("input");
            items.add(userMessage(input.asText()));
            input = items;
        }
        if (!input.isArray()) {
            return;
        }
        JsonNode newest = input.path(input.size() - 1);
        if ("user".equals(newest.path("role").asText()) && newest.isObject()) {
            Parts.parts((ObjectNode) newest, "input_text").addObject().put("type", "input_text").put("text", text);
        } else {
            ((ArrayNode) input).add(userMessage(text));
        }
    }

    private static ObjectNode userMessage(String text) {
        ObjectNode message = Parts.JSON.createObjectNode().put("type", "message").put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", text);
        return message;
    }

    @Override
    public void replacePrompt(ObjectNode body, String prompt) {
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            body.put("input", prompt);
            return;
        }
        JsonNode newest = input.path(input.size() - 1);
        if ("user".equals(newest.path("role").asText()) && newest.isObject()) {
            Parts.replaceTyped((ObjectNode) newest, "input_text", prompt);
        }
    }

    // --- answers of the proxy's own ---

    /** An assistant message item holding {@code text} (none while in progress). */
    public static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = Parts.JSON.createObjectNode().put("id", id).put("type", "message").put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
        }
        return item;
    }

    @Override
    public Reply reply(boolean stream, String model, String id, String text) {
        String m = model == null ? "interpose" : model;
        if (!stream) {
            return Parts.json(response(m, id, text, "completed"));
        }
        String itemId = "msg_interpose_" + id;
        List<ObjectNode> events = new ArrayList<>();
        int seq = 0;
        events.add(event("response.created", seq++).set("response", response(m, id, text, "in_progress")));
        events.add(event("response.output_item.added", seq++).put("output_index", 0)
                .set("item", messageItem(itemId, "in_progress", null)));
        events.add(event("response.output_text.delta", seq++).put("item_id", itemId).put("output_index", 0)
                .put("content_index", 0).put("delta", text));
        events.add(event("response.output_text.done", seq++).put("item_id", itemId).put("output_index", 0)
                .put("content_index", 0).put("text", text));
        events.add(event("response.output_item.done", seq++).put("output_index", 0)
                .set("item", messageItem(itemId, "completed", text)));
        events.add(event("response.completed", seq).set("response", response(m, id, text, "completed")));
        return Parts.sse(events, true, false);
    }

    private static ObjectNode event(String type, int sequence) {
        return Parts.JSON.createObjectNode().put("type", type).put("sequence_number", sequence);
    }

    private static ObjectNode response(String model, String id, String text, String status) {
        ObjectNode response = Parts.JSON.createObjectNode().put("id", "resp_interpose_" + id).put("object", "response")
                .put("created_at", System.currentTimeMillis() / 1000).put("status", status).put("model", model);
        ArrayNode output = response.putArray("output");
        if (status.equals("completed")) {
            output.add(messageItem("msg_interpose_" + id, "completed", text));
            response.putObject("usage").put("input_tokens", 0).put("output_tokens", 0).put("total_tokens", 0);
        }
        return response;
    }

    @Override
    public ObjectNode agentRequest(String model, String systemPrompt, String task, int maxTokens) {
        ObjectNode body = Parts.JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        return body.put("instructions", systemPrompt).put("input", task).put("max_output_tokens", maxTokens)
                .put("stream", false).put("store", false);
    }

    // --- answers of the model ---

    @Override
    public AnswerAssembler assembler() {
        return new ResponsesAnswer();
    }

    @Override
    public UsageEvents usageEvents() {
        return ResponsesUsage.INSTANCE;
    }

    @Override
    public ToolCalls toolCalls() {
        return toolCalls;
    }
}
