package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Messages stream as a Chat Completions stream: {@code message_start} is the first chunk (the role), text
 * deltas are {@code content} deltas, thinking deltas {@code reasoning_content} deltas, each {@code tool_use}
 * block a tool call numbered in order whose first chunk carries its id and name and whose arguments follow
 * as they come; {@code message_stop} sends the finish chunk, then the usage chunk when the client asked for
 * it ({@code stream_options.include_usage}), then {@code [DONE]}. An {@code error} event, or a stream that
 * ends or breaks before {@code message_stop}, is an OpenAI error chunk. Per response, confined to its thread.
 */
final class MessagesToChatEvents implements EventStep {
    /** A tool call's Chat index, and the input its start already carried. */
    private record Tool(int index, JsonNode startInput, boolean[] streamed) {
    }

    private final String requestedModel;
    private final boolean includeUsage;
    private final long created;
    private final TokenCounts usage = new TokenCounts();
    private final Map<Integer, Tool> tools = new HashMap<>();
    private String id;
    private String model;
    private String stopReason;
    private boolean finished;

    MessagesToChatEvents(String requestedModel, boolean includeUsage, long created) {
        this.requestedModel = requestedModel;
        this.includeUsage = includeUsage;
        this.created = created;
    }

    @Override
    public void event(String name, ObjectNode data, boolean done, Out out) {
        if (finished || data == null) {
            return;
        }
        switch (data.path("type").asText(name == null ? "" : name)) {
            case "message_start":
                start(data.path("message"), out);
                break;
            case "content_block_start":
                blockStart(data.path("index").asInt(), data.path("content_block"), out);
                break;
            case "content_block_delta":
                blockDelta(data.path("index").asInt(), data.path("delta"), out);
                break;
            case "content_block_stop":
                blockStop(data.path("index").asInt(), out);
                break;
            case "message_delta":
                stopReason = Json.text(data.path("delta").path("stop_reason"));
                usage.messages(data.path("usage"));
                break;
            case "message_stop":
                complete(out);
                break;
            case "error":
                error(ErrorTranslation.responsesStreamError(ErrorTranslation.read(data)), out);
                break;
            default:
                break; // ping
        }
    }

    @Override
    public void fail(String why, Out out) {
        if (!finished) {
            error(Json.object().put("code", "server_error").put("message", why), out);
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    private void start(JsonNode message, Out out) {
        if (id != null) {
            return;
        }
        id = MessagesToChatAnswer.chatId(Json.text(message.path("id")));
        model = ChatToMessagesAnswer.model(message, requestedModel);
        usage.messages(message.path("usage"));
        chunk(delta -> delta.put("role", "assistant").put("content", ""), null, out);
    }

    private void blockStart(int index, JsonNode block, Out out) {
        if (id == null) {
            start(Json.object(), out);
        }
        if (!"tool_use".equals(block.path("type").asText())) {
            return;
        }
        JsonNode input = block.path("input").isObject() && !block.path("input").isEmpty() ? block.path("input") : null;
        Tool tool = new Tool(tools.size(), input, new boolean[1]);
        tools.put(index, tool);
        chunk(delta -> delta.putArray("tool_calls").addObject().put("index", tool.index()).put("id", block.path("id").asText())
                .put("type", "function").putObject("function").put("name", block.path("name").asText()).put("arguments", ""),
                null, out);
    }

    private void blockDelta(int index, JsonNode delta, Out out) {
        switch (delta.path("type").asText()) {
            case "text_delta":
                chunk(d -> d.put("content", delta.path("text").asText("")), null, out);
                break;
            case "thinking_delta":
                chunk(d -> d.put("reasoning_content", delta.path("thinking").asText("")), null, out);
                break;
            case "input_json_delta": {
                Tool tool = tools.get(index);
                String piece = delta.path("partial_json").asText("");
                if (tool != null && !piece.isEmpty()) {
                    tool.streamed()[0] = true;
                    arguments(tool, piece, out);
                }
                break;
            }
            default:
                break; // signatures, citations
        }
    }

    private void blockStop(int index, Out out) {
        Tool tool = tools.get(index);
        if (tool != null && !tool.streamed()[0] && tool.startInput() != null) {
            arguments(tool, Json.write(tool.startInput()), out); // an upstream that sent the input whole in the start
        }
    }

    private void arguments(Tool tool, String piece, Out out) {
        chunk(d -> d.putArray("tool_calls").addObject().put("index", tool.index()).putObject("function")
                .put("arguments", piece), null, out);
    }

    private void complete(Out out) {
        if (id == null) {
            start(Json.object(), out);
        }
        chunk(delta -> { }, MessagesToChatAnswer.finishReason(stopReason, !tools.isEmpty()), out);
        if (includeUsage) {
            ObjectNode last = head();
            last.putArray("choices");
            last.set("usage", MessagesToChatAnswer.usage(usage));
            out.event(null, last);
        }
        out.done();
        finished = true;
    }

    private void chunk(Consumer<ObjectNode> delta, String finishReason, Out out) {
        ObjectNode chunk = head();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        delta.accept(choice.putObject("delta"));
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        out.event(null, chunk);
    }

    private ObjectNode head() {
        return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
    }

    /** The error chunk OpenAI ends a failed stream with: {@code {"error":{message,type,param,code}}}. */
    private void error(ObjectNode codeAndMessage, Out out) {
        String code = codeAndMessage.path("code").asText();
        ObjectNode error = Json.object();
        error.putObject("error").put("message", codeAndMessage.path("message").asText())
                .put("type", "rate_limit_exceeded".equals(code) ? "rate_limit_error" : "server_error").putNull("param")
                .put("code", code);
        out.event(null, error);
        finished = true;
    }
}
