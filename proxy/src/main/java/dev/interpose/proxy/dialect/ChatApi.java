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
 * OpenAI's Chat Completions ({@code /v1/chat/completions}): the newest turn is a {@code user} message, or
 * the {@code tool} messages answering an assistant's {@code tool_calls}. A stream's events are unnamed
 * chunks ending in {@code data: [DONE]}; one the proxy cuts short ends in a chunk holding an error body,
 * on which the SDKs throw.
 */
public final class ChatApi implements ApiDialect {
    private final ToolCalls toolCalls = new ChatToolCalls(this);
    ChatApi() {
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Dialect family() {
        return Dialect.OPENAI;
    }

    @Override
    public String path() {
        return "/v1/chat/completions";
    }

    @Override
    public String toString() {
        return name();
    }

    // --- errors ---

    @Override
    public byte[] errorBody(ErrorKind kind, String message) {
        return OpenAiErrors.body(kind, message);
    }

    @Override
    public byte[] streamError(String message, int sequence, String responseId) {
        String body = new String(errorBody(ErrorKind.UPSTREAM_BAD_RESPONSE, message), StandardCharsets.UTF_8);
        return ("data: " + body + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    // --- the newest turn ---

    @Override
    public String prompt(ObjectNode body) {
        JsonNode messages = body.path("messages");
        JsonNode newest = messages.path(messages.size() - 1);
        return "user".equals(newest.path("role").asText()) ? Parts.typed(newest.path("content"), "text") : null;
    }

    @Override
    public List<ToolResult> toolResults(ObjectNode body) {
        List<ToolResult> out = new ArrayList<>();
        JsonNode messages = body.path("messages");
        int first = messages.size();
        while (first > 0 && "tool".equals(messages.get(first - 1).path("role").asText())) {
            first--;
        }
        for (int i = first; i < messages.size(); i++) {
            JsonNode result = messages.get(i);
            JsonNode call = MissingNode.getInstance();
            for (JsonNode message : messages) {
                for (JsonNode c : message.path("tool_calls")) {
                    if (c.path("id").asText().equals(result.path("tool_call_id").asText())) {
                        call = c.path("function");
                    }
                }
            }
            out.add(new ToolResult(call.path("name").asText(null), Arguments.parse(call.path("arguments")),
                    Parts.text(result.path("content")), result.path("tool_call_id").asText(null), false));
        }
        return out;
    }

    @Override
    public void replaceToolResult(ObjectNode body, int index, String output) {
        JsonNode messages = body.path("messages");
        int first = messages.size();
        while (first > 0 && "tool".equals(messages.get(first - 1).path("role").asText())) {
            first--;
        }
        if (messages.path(first + index).isObject()) {
            ((ObjectNode) messages.path(first + index)).put("content", output);
        }
    }

    @Override
    public void addContext(ObjectNode body, String text) {
        JsonNode messages = body.path("messages");
        if (messages.isArray()) {
            ((ArrayNode) messages).addObject().put("role", "user").put("content", text);
        }
    }

    @Override
    public void replacePrompt(ObjectNode body, String prompt) {
        JsonNode messages = body.path("messages");
        JsonNode newest = messages.path(messages.size() - 1);
        if (newest.isObject()) {
            ((ObjectNode) newest).put("content", prompt);
        }
    }

    // --- answers of the proxy's own ---

    @Override
    public Reply reply(boolean stream, String model, String id, String text) {
        String m = model == null ? "interpose" : model;
        long created = System.currentTimeMillis() / 1000;
        if (!stream) {
            ObjectNode completion = Parts.JSON.createObjectNode().put("id", "chatcmpl-interpose-" + id)
                    .put("object", "chat.completion").put("created", created).put("model", m);
            ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", text);
            choice.put("finish_reason", "stop");
            return Parts.json(completion);
        }
        ObjectNode chunk = Parts.JSON.createObjectNode().put("id", "chatcmpl-interpose-" + id)
                .put("object", "chat.completion.chunk").put("created", created).put("model", m);
        ObjectNode first = chunk.deepCopy();
        ObjectNode c = first.putArray("choices").addObject().put("index", 0);
        c.putObject("delta").put("role", "assistant").put("content", text);
        c.putNull("finish_reason");
        ObjectNode last = chunk.deepCopy();
        ObjectNode d = last.putArray("choices").addObject().put("index", 0);
        d.putObject("delta");
        d.put("finish_reason", "stop");
        return Parts.sse(List.of(first, last), false, true);
    }

    @Override
    public ObjectNode agentRequest(String model, String systemPrompt, String task, int maxTokens) {
        ObjectNode body = Parts.JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", systemPrompt);
        messages.addObject().put("role", "user").put("content", task);
        return body;
    }

    // --- answers of the model ---

    @Override
    public AnswerAssembler assembler() {
        return new ChatAnswer();
    }

    @Override
    public UsageEvents usageEvents() {
        return ChatUsage.INSTANCE;
    }

    @Override
    public ToolCalls toolCalls() {
        return toolCalls;
    }
}
