package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A Messages stream as a Responses stream, event by event, with the grammar Codex reads:
 * {@code response.created} and {@code response.in_progress} at {@code message_start}; for each content block
 * an output item ({@code response.output_item.added} … {@code response.output_item.done}): a text block an
 * assistant message with its content part and {@code output_text} deltas, a {@code tool_use} a
 * {@code function_call} with its {@code function_call_arguments} deltas as the input comes (a freeform tool's
 * call a {@code custom_tool_call} with its input at the end), thinking a reasoning item with its summary
 * deltas; then at {@code message_stop} {@code response.completed} with every item and the usage. Every event
 * has its {@code type} and {@code sequence_number}. An {@code error} event, or a stream that ends or breaks
 * before {@code message_stop}, is a {@code response.failed} (which Codex retries). Per response, confined to
 * its thread.
 */
final class MessagesToResponsesEvents implements EventStep {
    private enum Kind { TEXT, CALL, REASONING }

    /** The output item of one content block. */
    private static final class Item {
        final Kind kind;
        final int output;
        final String id;
        final String callId;
        final String name;
        final StringBuilder text = new StringBuilder();
        JsonNode startInput;

        Item(Kind kind, int output, String id, String callId, String name) {
            this.kind = kind;
            this.output = output;
            this.id = id;
            this.callId = callId;
            this.name = name;
        }
    }

    private final ResponsesShape shape;
    private final TokenCounts usage = new TokenCounts();
    /** The open items, by their block's index. */
    private final Map<Integer, Item> open = new HashMap<>();
    private final ArrayNode done = Json.array();
    private String responseId;
    private String model;
    private String stopReason;
    private int sequence;
    private int outputs;
    private boolean finished;

    MessagesToResponsesEvents(ResponsesShape shape) {
        this.shape = shape;
    }

    @Override
    public void event(String name, ObjectNode data, boolean isDone, Out out) {
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
                blockDelta(open.get(data.path("index").asInt()), data.path("delta"), out);
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
                failed(ErrorTranslation.responsesStreamError(ErrorTranslation.read(data)), out);
                break;
            default:
                break; // ping, and events a newer API version may add
        }
    }

    @Override
    public void fail(String why, Out out) {
        if (!finished) {
            failed(Json.object().put("code", "server_error").put("message", why), out);
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    private void start(JsonNode message, Out out) {
        if (responseId != null) {
            return;
        }
        responseId = ResponsesObjects.responseId(Json.text(message.path("id")));
        model = Json.text(message.path("model"));
        usage.messages(message.path("usage"));
        emit("response.created", Json.object(), "response", ResponsesObjects.response(responseId, shape, model,
                "in_progress", null, null), out);
        emit("response.in_progress", Json.object(), "response", ResponsesObjects.response(responseId, shape, model,
                "in_progress", null, null), out);
    }

    private void blockStart(int index, JsonNode block, Out out) {
        if (responseId == null) {
            start(Json.object(), out);
        }
        Item item;
        ObjectNode added;
        switch (block.path("type").asText()) {
            case "text":
                item = new Item(Kind.TEXT, outputs, MessagesToResponsesAnswer.itemId("msg", responseId, index), null, null);
                added = ResponsesObjects.message(item.id, "in_progress", null);
                break;
            case "tool_use":
                item = new Item(Kind.CALL, outputs, MessagesToResponsesAnswer.itemId("fc", responseId, index),
                        block.path("id").asText(), block.path("name").asText(""));
                item.startInput = block.path("input").isObject() && !block.path("input").isEmpty() ? block.path("input") : null;
                added = ResponsesObjects.call(shape, item.id, "in_progress", item.callId, item.name, "");
                break;
            case "thinking":
                item = new Item(Kind.REASONING, outputs, MessagesToResponsesAnswer.itemId("rs", responseId, index), null, null);
                added = ResponsesObjects.reasoning(item.id, null);
                break;
            default:
                return; // redacted thinking, server tools' blocks
        }
        outputs++;
        open.put(index, item);
        emit("response.output_item.added", at(item), "item", added, out);
        if (item.kind == Kind.TEXT) {
            emit("response.content_part.added", part(item), "part", ResponsesObjects.outputText(""), out);
        } else if (item.kind == Kind.REASONING) {
            emit("response.reasoning_summary_part.added", summary(item), "part", ResponsesObjects.summaryText(""), out);
        }
    }

    private void blockDelta(Item item, JsonNode delta, Out out) {
        if (item == null) {
            return;
        }
        String type = delta.path("type").asText();
        if (item.kind == Kind.TEXT && "text_delta".equals(type)) {
            String text = delta.path("text").asText("");
            item.text.append(text);
            emit("response.output_text.delta", part(item).put("delta", text), "logprobs", Json.array(), out);
        } else if (item.kind == Kind.CALL && "input_json_delta".equals(type)) {
            String piece = delta.path("partial_json").asText("");
            item.text.append(piece);
            if (!shape.custom(item.name) && !piece.isEmpty()) {
                emit("response.function_call_arguments.delta", at(item).put("item_id", item.id), "delta",
                        Json.MAPPER.getNodeFactory().textNode(piece), out);
            }
        } else if (item.kind == Kind.REASONING && "thinking_delta".equals(type)) {
            String text = delta.path("thinking").asText("");
            item.text.append(text);
            emit("response.reasoning_summary_text.delta", summary(item).put("delta", text), null, null, out);
        }
    }

    private void blockStop(int index, Out out) {
        Item item = open.remove(index);
        if (item == null) {
            return;
        }
        String text = item.text.toString();
        ObjectNode completed;
        if (item.kind == Kind.TEXT) {
            emit("response.output_text.done", part(item).put("text", text), "logprobs", Json.array(), out);
            emit("response.content_part.done", part(item), "part", ResponsesObjects.outputText(text), out);
            completed = ResponsesObjects.message(item.id, "completed", text);
        } else if (item.kind == Kind.CALL) {
            JsonNode input = text.isEmpty() ? (item.startInput != null ? item.startInput : Json.object()) : Json.arguments(text);
            if (shape.custom(item.name)) {
                String value = ResponsesObjects.customInput(input);
                emit("response.custom_tool_call_input.delta", at(item).put("item_id", item.id).put("delta", value), null, null, out);
                emit("response.custom_tool_call_input.done", at(item).put("item_id", item.id).put("input", value), null, null, out);
                completed = ResponsesObjects.call(shape, item.id, "completed", item.callId, item.name, value);
            } else {
                String arguments = text.isEmpty() ? Json.write(input) : text;
                completed = ResponsesObjects.call(shape, item.id, "completed", item.callId, item.name, arguments);
                emit("response.function_call_arguments.done", at(item).put("item_id", item.id)
                        .put("name", completed.path("name").asText()).put("arguments", arguments), null, null, out);
            }
        } else {
            emit("response.reasoning_summary_text.done", summary(item).put("text", text), null, null, out);
            emit("response.reasoning_summary_part.done", summary(item), "part", ResponsesObjects.summaryText(text), out);
            completed = ResponsesObjects.reasoning(item.id, text);
        }
        done.add(completed);
        emit("response.output_item.done", at(item), "item", completed, out);
    }

    private void complete(Out out) {
        if (responseId == null) {
            start(Json.object(), out);
        }
        open.keySet().stream().sorted().toList().forEach(index -> blockStop(index, out)); // an upstream that never stopped them
        ObjectNode response = ResponsesObjects.response(responseId, shape, model, "completed", done, usage.toResponses());
        ResponsesObjects.stopped(response, stopReason);
        emit("response.completed", Json.object(), "response", response, out);
        finished = true;
    }

    private void failed(ObjectNode error, Out out) {
        String id = responseId != null ? responseId : ResponsesObjects.responseId(null);
        ObjectNode response = ResponsesObjects.response(id, shape, model, "failed", done, usage.seen ? usage.toResponses() : null);
        response.set("error", error);
        emit("response.failed", Json.object(), "response", response, out);
        finished = true;
    }

    private ObjectNode at(Item item) {
        return Json.object().put("output_index", item.output);
    }

    private ObjectNode part(Item item) {
        return Json.object().put("item_id", item.id).put("output_index", item.output).put("content_index", 0);
    }

    private ObjectNode summary(Item item) {
        return Json.object().put("item_id", item.id).put("output_index", item.output).put("summary_index", 0);
    }

    /** Writes one event: its fields, plus {@code field} set to {@code value} when given, typed and numbered. */
    private void emit(String type, ObjectNode fields, String field, JsonNode value, Out out) {
        ObjectNode event = Json.object().put("type", type).put("sequence_number", sequence++);
        event.setAll(fields);
        if (field != null) {
            event.set(field, value);
        }
        out.event(type, event);
    }
}
