package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A Chat Completions stream as a Messages stream, chunk by chunk. The first chunk opens the message
 * ({@code message_start}, then a {@code ping}); reasoning, text and each tool call get a content block of
 * their own, numbered in order, one open at a time (the next one's start stops the one before, as the
 * Messages API streams them); tool arguments go out as {@code input_json_delta}s as they come, parallel calls
 * told apart by their {@code index} (or, for servers that reuse an index, by a new {@code id}). The finish
 * reason stops the open block; the usage chunk that may follow is waited for, and {@code [DONE]} (or the
 * stream's end after a finish reason) sends {@code message_delta} with the stop reason and usage and then
 * {@code message_stop}. Chunks with no choices, a role-only first chunk and empty deltas are taken as they
 * come. A stream that ends before a finish reason, an error chunk, or arguments for a call already stopped
 * end in an {@code error} event, which the CLIs retry. Per response, confined to its thread.
 */
final class ChatToMessagesEvents implements EventStep {
    private enum Kind { TEXT, THINKING, TOOL }

    /** One tool call's block. */
    private static final class Tool {
        final int block;
        final String id;
        boolean stopped;

        Tool(int block, String id) {
            this.block = block;
            this.id = id;
        }
    }

    private final String requestedModel;
    private final String messageId;
    private final TokenCounts usage = new TokenCounts();
    /** The tool calls by their Chat index. */
    private final Map<Integer, Tool> tools = new HashMap<>();
    private boolean started;
    private boolean finished;
    private String finishReason;
    private boolean finishSeen;
    private int nextBlock;
    private int openBlock = -1;
    private Kind openKind;
    private Tool openTool;

    ChatToMessagesEvents(String requestedModel) {
        this(requestedModel, null);
    }

    /** With {@code messageId} as the id of the message it streams (the upstream's when null). */
    ChatToMessagesEvents(String requestedModel, String messageId) {
        this.requestedModel = requestedModel;
        this.messageId = messageId;
    }

    @Override
    public void event(String name, ObjectNode data, boolean done, Out out) {
        if (finished) {
            return;
        }
        if (done) {
            complete(out);
            return;
        }
        if (data == null) {
            return;
        }
        if (data.path("error").isObject() || data.path("error").isTextual()) {
            error(ErrorTranslation.messagesStreamError(ErrorTranslation.read(data)), out);
            return;
        }
        if (!started) {
            start(data, out);
        }
        usage.chat(data.path("usage"));
        JsonNode choice = data.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = ChatToMessagesAnswer.reasoning(delta);
        if (reasoning != null && !reasoning.isEmpty()) {
            delta(Kind.THINKING, "thinking_delta", "thinking", reasoning, out);
        }
        String text = Json.text(delta.path("content"));
        if (text != null && !text.isEmpty()) {
            delta(Kind.TEXT, "text_delta", "text", text, out);
        }
        String refusal = Json.text(delta.path("refusal"));
        if (refusal != null && !refusal.isEmpty()) {
            delta(Kind.TEXT, "text_delta", "text", refusal, out);
        }
        for (JsonNode part : delta.path("tool_calls")) {
            if (!tool(part, out)) {
                return;
            }
        }
        String finish = Json.text(choice.path("finish_reason"));
        if (finish != null) {
            stopOpen(out);
            finishReason = finish;
            finishSeen = true;
        }
    }

    @Override
    public void end(Out out) {
        if (finished) {
            return;
        }
        if (finishSeen) {
            complete(out); // a server that sends no [DONE]: the finish reason already ended the answer
        } else {
            fail(ENDED_EARLY, out);
        }
    }

    @Override
    public void fail(String why, Out out) {
        if (!finished) {
            error(ErrorTranslation.messagesError("api_error", why), out);
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    private void start(JsonNode chunk, Out out) {
        started = true;
        ObjectNode message = Json.object().put("id", messageId != null ? messageId
                : Ids.message(Json.text(chunk.path("id"))));
        message.put("type", "message").put("role", "assistant").put("model", ChatToMessagesAnswer.model(chunk, requestedModel));
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.set("usage", new TokenCounts().chat(chunk.path("usage")).toMessages());
        ObjectNode event = Json.object().put("type", "message_start");
        event.set("message", message);
        out.event("message_start", event);
        out.event("ping", Json.object().put("type", "ping"));
    }

    private void delta(Kind kind, String deltaType, String field, String text, Out out) {
        if (openKind != kind) {
            stopOpen(out);
            ObjectNode block = Json.object().put("type", kind == Kind.TEXT ? "text" : "thinking").put(field, "");
            if (kind == Kind.THINKING) {
                block.put("signature", "");
            }
            open(kind, block, out);
        }
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", openBlock);
        event.putObject("delta").put("type", deltaType).put(field, text);
        out.event("content_block_delta", event);
    }

    /** One piece of a tool call; false when the stream had to fail. */
    private boolean tool(JsonNode part, Out out) {
        int index = part.path("index").isInt() ? part.path("index").asInt() : tools.size() - (part.has("id") ? 0 : 1);
        String id = Json.text(part.path("id"));
        Tool tool = tools.get(index);
        if (tool == null || (id != null && !id.isEmpty() && !id.equals(tool.id))) {
            stopOpen(out);
            tool = new Tool(nextBlock, Ids.toolUse(id, tools.size()));
            tools.put(index, tool);
            ObjectNode block = Json.object().put("type", "tool_use").put("id", tool.id)
                    .put("name", part.path("function").path("name").asText(""));
            block.putObject("input");
            open(Kind.TOOL, block, out);
            openTool = tool;
        }
        String arguments = Json.text(part.path("function").path("arguments"));
        if (arguments == null || arguments.isEmpty()) {
            return true;
        }
        if (tool.stopped) {
            fail("the upstream streamed arguments for a tool call after the next block had started", out);
            return false;
        }
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", tool.block);
        event.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
        out.event("content_block_delta", event);
        return true;
    }

    private void open(Kind kind, ObjectNode block, Out out) {
        openBlock = nextBlock++;
        openKind = kind;
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", openBlock);
        event.set("content_block", block);
        out.event("content_block_start", event);
    }

    private void stopOpen(Out out) {
        if (openBlock < 0) {
            return;
        }
        out.event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", openBlock));
        if (openTool != null) {
            openTool.stopped = true;
            openTool = null;
        }
        openBlock = -1;
        openKind = null;
    }

    private void complete(Out out) {
        if (!started) {
            start(Json.object(), out);
        }
        stopOpen(out);
        ObjectNode event = Json.object().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", Stops.messagesOfChat(finishReason, !tools.isEmpty()))
                .putNull("stop_sequence");
        event.set("usage", usage.toMessages());
        out.event("message_delta", event);
        out.event("message_stop", Json.object().put("type", "message_stop"));
        finished = true;
    }

    private void error(ObjectNode error, Out out) {
        out.event("error", error);
        finished = true;
    }
}
