package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tool calls of a Responses API stream: a call item starts with {@code response.output_item.added} and
 * ends with the {@code response.output_item.done} of its output index, whose item holds the input (a call
 * item first seen in its {@code done}, or seen there as another tool, starts and ends there). A
 * denied call's events become an assistant message item at the same output index; from the first
 * replacement on, every {@code sequence_number} is renumbered, and {@code response.completed} (and its kin)
 * lists the message items in place of the denied calls. One per stream; confined to its event loop.
 */
final class ResponsesCallStream implements ToolCallStream {
    private final ApiDialect api;
    /** The calls started and not yet ended, by output index. */
    private final Map<Integer, Open> open = new LinkedHashMap<>();
    /** The calls ended and not yet released, by output index. */
    private final Map<Integer, Open> closed = new HashMap<>();
    /** The call each event read and not yet written belongs to, when it belongs to one. */
    private final Map<SseEvent, Integer> owner = new IdentityHashMap<>();
    /** The message items that replace denied calls, by the call's item id (or call id). */
    private final Map<String, ObjectNode> replacedItems = new HashMap<>();
    /** The call items that go out with a rewritten input, by item id (and call id), for the final listing. */
    private final Map<String, ObjectNode> rewrittenItems = new HashMap<>();
    /** The item ids and call ids of every call an {@code output_item} event showed. */
    private final Set<String> announced = new HashSet<>();
    /** The sequence number the next event gets once renumbering started, else -1. */
    private int nextSequence = -1;
    private int lastSequence = -1;
    /** The id of the response, for a {@code response.failed} of the proxy's own. */
    private String responseId;

    private record Open(String id, String itemId, String name, JsonNode item) {
    }

    ResponsesCallStream(ApiDialect api) {
        this.api = api;
    }

    /**
     * A {@code response.completed} (or its kin) whose output lists a call no {@code output_item} event showed:
     * a client that takes the output from there (the SDKs' final response) would run a call nobody judged.
     */
    @Override
    public String unjudgeable(SseEvent event) {
        JsonNode output = event.json() == null ? null : event.json().path("response").path("output");
        if (output == null || !output.isArray()) {
            return null;
        }
        for (JsonNode item : output) {
            if (ResponsesApi.isCall(item) && !shown(item.path("id")) && !shown(item.path("call_id"))) {
                return event.json().path("type").asText("the final event") + " lists a tool call that no "
                        + "output_item event showed, which the proxy does not check";
            }
        }
        return null;
    }

    @Override
    public Change read(SseEvent event) {
        JsonNode data = event.json();
        if (data == null) {
            return Change.NONE;
        }
        if (responseId == null && data.path("response").path("id").isTextual()) {
            responseId = data.path("response").path("id").asText();
        }
        String type = data.path("type").asText();
        JsonNode item = data.path("item");
        if (ResponsesApi.isCall(item)) {
            announce(item);
        }
        if ("response.output_item.added".equals(type) && ResponsesApi.isCall(item)) {
            int index = data.path("output_index").asInt();
            Open call = new Open(item.path("call_id").asText(null), item.path("id").asText(null),
                    ResponsesApi.toolName(item), item);
            open.put(index, call);
            owner.put(event, index);
            return Change.started(new ToolCall(index, call.id(), call.name(), null));
        }
        int index = data.path("output_index").asInt(-1);
        Open call = open.get(index);
        boolean done = "response.output_item.done".equals(type);
        if (done && ResponsesApi.isCall(item) && (call == null || !call.name().equals(ResponsesApi.toolName(item)))) {
            return unannounced(event, data, item); // Codex runs the done item, whatever came before it
        }
        if (call == null) {
            return Change.NONE;
        }
        owner.put(event, index);
        if (!done) {
            return Change.NONE;
        }
        closed.put(index, open.remove(index));
        return Change.ended(new ToolCall(index, call.id(), call.name(), ResponsesApi.callInput(item)));
    }

    private boolean shown(JsonNode id) {
        return id.isTextual() && announced.contains(id.asText());
    }

    private void announce(JsonNode item) {
        if (item.path("id").isTextual()) {
            announced.add(item.path("id").asText());
        }
        if (item.path("call_id").isTextual()) {
            announced.add(item.path("call_id").asText());
        }
    }

    /** A call item first seen (or first seen as this tool) in its {@code output_item.done}: it starts and ends there. */
    private Change unannounced(SseEvent event, JsonNode data, JsonNode item) {
        int index = data.path("output_index").asInt();
        open.remove(data.path("output_index").asInt(-1));
        Open call = new Open(item.path("call_id").asText(null), item.path("id").asText(null), ResponsesApi.toolName(item), item);
        closed.put(index, call);
        owner.put(event, index);
        return new Change(List.of(new ToolCall(index, call.id(), call.name(), null)),
                List.of(new ToolCall(index, call.id(), call.name(), ResponsesApi.callInput(item))));
    }

    @Override
    public List<ToolCall> endOpen() {
        List<ToolCall> ended = new ArrayList<>();
        open.forEach((index, call) -> ended.add(new ToolCall(index, call.id(), call.name(),
                ResponsesApi.callInput(call.item()))));
        closed.putAll(open);
        open.clear();
        return ended;
    }

    @Override
    public void pass(SseEvent event, Consumer<SseEvent> out) {
        owner.remove(event);
        ObjectNode data = event.json();
        if (data != null && (!replacedItems.isEmpty() || !rewrittenItems.isEmpty()) && data.path("response").isObject()) {
            replaceItems((ObjectNode) data.path("response"));
            write(event.name(), data, out);
        } else if (data != null && data.has("sequence_number") && nextSequence >= 0) {
            write(event.name(), data, out);
        } else {
            if (data != null && data.has("sequence_number")) {
                lastSequence = data.path("sequence_number").asInt();
            }
            out.accept(event);
        }
    }

    @Override
    public void release(List<SseEvent> held, Map<Integer, String> denied, Map<Integer, JsonNode> rewritten,
            Consumer<SseEvent> out) {
        Set<Integer> replaced = new HashSet<>();
        Set<Integer> deltaWritten = new HashSet<>();
        for (SseEvent event : held) {
            Integer index = owner.remove(event);
            String text = index == null ? null : denied.get(index);
            JsonNode input = index == null ? null : rewritten.get(index);
            if (text == null && input != null) {
                rewrite(event, index, input, deltaWritten, out);
            } else if (text == null) {
                pass(event, out); // an allowed call's event, or another item's that came while calls were held
            } else if (replaced.add(index)) {
                message(index, closed.get(index), text, out);
            }
        }
        closed.clear();
    }

    /**
     * An event of a call that goes out with {@code input}: its item (added, done) and its arguments (or a custom
     * tool's input) carry the new input, its first delta the whole of it and the others are dropped; from here on
     * every {@code sequence_number} is renumbered, and the final listing of the output carries the new item too.
     */
    private void rewrite(SseEvent event, int index, JsonNode input, Set<Integer> deltaWritten, Consumer<SseEvent> out) {
        ObjectNode data = event.json();
        if (nextSequence < 0) {
            nextSequence = lastSequence + 1;
        }
        String type = data.path("type").asText();
        String text = input.isTextual() ? input.asText() : input.toString();
        if (data.path("item").isObject()) {
            ObjectNode item = (ObjectNode) data.path("item");
            setInput(item, input);
            if (type.equals("response.output_item.done")) {
                ObjectNode listed = item.deepCopy();
                if (item.path("id").isTextual()) {
                    rewrittenItems.put(item.path("id").asText(), listed);
                }
                if (item.path("call_id").isTextual()) {
                    rewrittenItems.put(item.path("call_id").asText(), listed);
                }
            }
        } else if (type.endsWith("_arguments.delta") || type.endsWith("_input.delta")) {
            if (!deltaWritten.add(index)) {
                return; // the first delta carries the whole new input
            }
            data.put("delta", text);
        } else if (type.endsWith("_arguments.done")) {
            data.put("arguments", text);
        } else if (type.endsWith("_input.done")) {
            data.put("input", text);
        }
        write(event.name(), data, out);
    }

    /** A call item with {@code input} in the shape {@link ResponsesApi#callInput} reads. */
    static void setInput(ObjectNode item, JsonNode input) {
        switch (item.path("type").asText()) {
            case "custom_tool_call" -> item.put("input", input.isTextual() ? input.asText() : input.toString());
            case "local_shell_call" -> item.set("action", input);
            default -> item.put("arguments", input.isTextual() ? input.asText() : input.toString());
        }
    }

    /** The events of an assistant message item saying why the call at {@code index} was denied. */
    private void message(int index, Open call, String text, Consumer<SseEvent> out) {
        if (nextSequence < 0) {
            nextSequence = lastSequence + 1; // renumber from here on
        }
        String callId = call == null ? null : call.id();
        String id = "msg_interpose_" + (callId == null ? Integer.toString(index) : callId);
        ObjectNode added = event("response.output_item.added", index);
        added.set("item", ResponsesApi.messageItem(id, "in_progress", null));
        write("response.output_item.added", added, out);
        ObjectNode part = Parts.JSON.createObjectNode().put("type", "output_text").put("text", "");
        part.putArray("annotations");
        write("response.content_part.added", partEvent("response.content_part.added", id, index).set("part", part), out);
        write("response.output_text.delta", partEvent("response.output_text.delta", id, index).put("delta", text), out);
        write("response.output_text.done", partEvent("response.output_text.done", id, index).put("text", text), out);
        ObjectNode fullPart = part.deepCopy().put("text", text);
        write("response.content_part.done", partEvent("response.content_part.done", id, index).set("part", fullPart), out);
        ObjectNode item = ResponsesApi.messageItem(id, "completed", text);
        ObjectNode done = event("response.output_item.done", index);
        done.set("item", item);
        write("response.output_item.done", done, out);
        String itemId = call == null ? null : call.itemId();
        replacedItems.put(itemId != null ? itemId : callId, item);
    }

    private static ObjectNode event(String type, int index) {
        return Parts.JSON.createObjectNode().put("type", type).put("sequence_number", 0).put("output_index", index);
    }

    private static ObjectNode partEvent(String type, String itemId, int index) {
        ObjectNode event = Parts.JSON.createObjectNode().put("type", type).put("sequence_number", 0);
        return event.put("item_id", itemId).put("output_index", index).put("content_index", 0);
    }

    /** {@code response.completed} (and its kin) lists the output again: the denied calls become their messages. */
    private void replaceItems(ObjectNode response) {
        JsonNode output = response.path("output");
        if (!output.isArray()) {
            return;
        }
        ArrayNode items = (ArrayNode) output;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            ObjectNode replacement = replacedItems.get(item.path("id").asText(""));
            if (replacement == null) {
                replacement = replacedItems.get(item.path("call_id").asText(""));
            }
            if (replacement == null && ResponsesApi.isCall(item)) {
                ObjectNode rewritten = rewrittenItems.get(item.path("id").asText(""));
                replacement = rewritten != null ? rewritten : rewrittenItems.get(item.path("call_id").asText(""));
            }
            if (replacement != null) {
                items.set(i, replacement);
            }
        }
    }

    private void write(String name, ObjectNode data, Consumer<SseEvent> out) {
        if (data.has("sequence_number") && nextSequence >= 0) {
            data.put("sequence_number", nextSequence++);
        }
        out.accept(SseEvent.written(name, data));
    }

    @Override
    public byte[] streamError(String message) {
        return api.streamError(message, nextSequence >= 0 ? nextSequence : lastSequence + 1, responseId);
    }
}
