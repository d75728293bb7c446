package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.error.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API ({@code /v1/messages}): the newest turn is the last {@code user} message, whose
 * {@code tool_result} blocks answer the {@code tool_use} blocks of an earlier assistant message; errors are
 * {@code {"type":"error","error":{"type","message"}}}, and in a stream an {@code event: error}.
 */
public final class MessagesApi implements ApiDialect {
    private final ToolCalls toolCalls = new MessagesToolCalls(this);
    private static final JsonFactory FACTORY = new JsonFactory();

    MessagesApi() {
    }

    @Override
    public String name() {
        return "messages";
    }

    @Override
    public Dialect family() {
        return Dialect.ANTHROPIC;
    }

    @Override
    public String path() {
        return "/v1/messages";
    }

    @Override
    public String toString() {
        return name();
    }

    // --- errors ---

    /** An open circuit is Anthropic's 529 {@code overloaded_error}, which Claude Code retries after a pause. */
    @Override
    public int status(ErrorKind kind) {
        return kind == ErrorKind.CIRCUIT_OPEN ? 529 : kind.status();
    }

    @Override
    public byte[] errorBody(ErrorKind kind, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", errorType(status(kind)));
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Anthropic's documented error types, by the status answered. */
    static String errorType(int status) {
        switch (status) {
            case 403: return "permission_error";
            case 404: return "not_found_error";
            case 413: return "request_too_large";
            case 429: return "rate_limit_error";
            case 504: return "timeout_error";
            case 503:
            case 529: return "overloaded_error";
            default: return status < 500 ? "invalid_request_error" : "api_error";
        }
    }

    @Override
    public byte[] streamError(String message, int sequence, String responseId) {
        String body = new String(errorBody(ErrorKind.UPSTREAM_BAD_RESPONSE, message), StandardCharsets.UTF_8);
        return ("event: error\ndata: " + body + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    // --- the newest turn ---

    @Override
    public String prompt(ObjectNode body) {
        ObjectNode user = Parts.last(body.path("messages"), "user");
        if (user == null || hasToolResult(user)) {
            return null;
        }
        return Parts.typed(user.path("content"), "text");
    }

    private static boolean hasToolResult(JsonNode message) {
        for (JsonNode part : message.path("content")) {
            if ("tool_result".equals(part.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<ToolResult> toolResults(ObjectNode body) {
        List<ToolResult> out = new ArrayList<>();
        JsonNode messages = body.path("messages");
        ObjectNode user = Parts.last(messages, "user");
        if (user == null) {
            return out;
        }
        for (JsonNode part : user.path("content")) {
            if ("tool_result".equals(part.path("type").asText())) {
                JsonNode use = toolUse(messages, part.path("tool_use_id").asText());
                out.add(new ToolResult(use.path("name").asText(null), use.path("input"), Parts.text(part.path("content")),
                        part.path("tool_use_id").asText(null), part.path("is_error").asBoolean(false)));
            }
        }
        return out;
    }

    @Override
    public void replaceToolResult(ObjectNode body, int index, String output) {
        ObjectNode user = Parts.last(body.path("messages"), "user");
        int n = 0;
        for (JsonNode part : user == null ? Parts.JSON.createArrayNode() : user.path("content")) {
            if ("tool_result".equals(part.path("type").asText()) && n++ == index) {
                ((ObjectNode) part).put("content", output);
            }
        }
    }

    private static JsonNode toolUse(JsonNode messages, String id) {
        for (JsonNode message : messages) {
            for (JsonNode part : message.path("content")) {
                if ("tool_use".equals(part.path("type").asText()) && id.equals(part.path("id").asText())) {
                    return part;
                }
            }
        }
        return MissingNode.getInstance();
    }

    @Override
    public void addContext(ObjectNode body, String text) {
        ObjectNode user = Parts.last(body.path("messages"), "user");
        if (user != null) {
            Parts.parts(user, "text").addObject().put("type", "text").put("text", text);
        }
    }

    @Override
    public void replacePrompt(ObjectNode body, String prompt) {
        ObjectNode user = Parts.last(body.path("messages"), "user");
        if (user != null) {
            Parts.replaceTyped(user, "text", prompt);
        }
    }

    // --- answers of the proxy's own ---

    @Override
    public Reply reply(boolean stream, String model, String id, String text) {
        String m = model == null ? "interpose" : model;
        if (!stream) {
            return Parts.json(message(m, id, text, true));
        }
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode start = Parts.JSON.createObjectNode().put("type", "message_start");
        start.set("message", message(m, id, text, false));
        events.add(start);
        ObjectNode blockStart = Parts.JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        events.add(blockStart);
        ObjectNode delta = Parts.JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        events.add(delta);
        events.add(Parts.JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
        ObjectNode messageDelta = Parts.JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", 0);
        events.add(messageDelta);
        events.add(Parts.JSON.createObjectNode().put("type", "message_stop"));
        return Parts.sse(events, true, false);
    }

    private static ObjectNode message(String model, String id, String text, boolean complete) {
        ObjectNode message = Parts.JSON.createObjectNode().put("id", "msg_interpose_" + id).put("type", "message")
                .put("role", "assistant").put("model", model);
        ArrayNode content = message.putArray("content");
        if (complete) {
            content.addObject().put("type", "text").put("text", text);
        }
        message.put("stop_reason", complete ? "end_turn" : null).putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        return message;
    }

    @Override
    public ObjectNode agentRequest(String model, String systemPrompt, String task, int maxTokens) {
        ObjectNode body = Parts.JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        body.put("max_tokens", maxTokens).put("system", systemPrompt);
        body.putArray("messages").addObject().put("role", "user").put("content", task);
        return body;
    }

    // --- answers of the model ---

    @Override
    public AnswerAssembler assembler() {
        return new MessagesAnswer();
    }

    @Override
    public UsageEvents usageEvents() {
        return MessagesUsage.INSTANCE;
    }

    @Override
    public ToolCalls toolCalls() {
        return toolCalls;
    }
}
