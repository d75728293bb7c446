package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tool calls of a Messages stream: a {@code tool_use} block starts with {@code content_block_start},
 * grows by the {@code input_json_delta}s of its index (or came whole in its start) and ends with its
 * {@code content_block_stop}. A denied call's events become a text block at the same index, and the
 * message's {@code stop_reason: tool_use} becomes {@code end_turn} when every call of it was denied.
 * One per stream; confined to its event loop.
 */
final class MessagesCallStream implements ToolCallStream {
    private final ApiDialect api;
    /** The calls started and not yet ended, by index. */
    private final Map<Integer, Open> open = new LinkedHashMap<>();
    /** The call each event read and not yet written belongs to, when it belongs to one. */
    private final Map<SseEvent, Integer> owner = new IdentityHashMap<>();
    private int calls;
    private int denied;

    private static final class Open {
        final String id;
        final String name;
        /** The input the start event already carried (an upstream may send it whole there), or null. */
        final JsonNode startInput;
        final StringBuilder input = new StringBuilder();

        Open(String id, String name, JsonNode startInput) {
            this.id = id;
            this.name = name;
            this.startInput = startInput;
        }

        ToolCall ended(int index) {
            JsonNode value = input.length() == 0 && startInput != null ? startInput : Arguments.parse(input);
            return new ToolCall(index, id, name, value);
        }
    }

    MessagesCallStream(ApiDialect api) {
        this.api = api;
    }

    @Override
    public Change read(SseEvent event) {
        JsonNode data = event.json();
        if (data == null) {
            return Change.NONE;
        }
        String type = data.path("type").asText();
        if ("content_block_start".equals(type) && "tool_use".equals(data.path("content_block").path("type").asText())) {
            JsonNode block = data.path("content_block");
            int index = data.path("index").asInt();
            JsonNode input = block.path("input").isObject() && block.path("input").size() > 0 ? block.path("input") : null;
            Open call = new Open(block.path("id").asText(null), block.path("name").asText(""), input);
            calls++;
            open.put(index, call);
            owner.put(event, index);
            return Change.started(new ToolCall(index, call.id, call.name, null));
        }
        int index = data.path("index").asInt(-1);
        Open call = open.get(index);
        if (call == null) {
            return Change.NONE;
        }
        owner.put(event, index);
        if ("content_block_delta".equals(type)) {
            call.input.append(data.path("delta").path("partial_json").asText(""));
        } else if ("content_block_stop".equals(type)) {
            open.remove(index);
            return Change.ended(call.ended(index));
        }
        return Change.NONE;
    }

    @Override
    public List<ToolCall> endOpen() {
        List<ToolCall> ended = new ArrayList<>();
        open.forEach((index, call) -> ended.add(call.ended(index)));
        open.clear();
        return ended;
    }

    @Override
    public void pass(SseEvent event, Consumer<SseEvent> out) {
        owner.remove(event);
        ObjectNode data = event.json();
        if (data != null && "message_delta".equals(data.path("type").asText())
                && "tool_use".equals(data.path("delta").path("stop_reason").asText()) && denied > 0 && denied == calls) {
            ((ObjectNode) data.path("delta")).put("stop_reason", "end_turn"); // every call was denied
            out.accept(SseEvent.written(event.name(), data));
            return;
        }
        out.accept(event);
    }

    @Override
    public void release(List<SseEvent> held, Map<Integer, String> deniedCalls, Map<Integer, JsonNode> rewritten,
            Consumer<SseEvent> out) {
        denied += deniedCalls.size();
        Set<Integer> replaced = new HashSet<>();
        for (SseEvent event : held) {
            Integer index = owner.remove(event);
            String text = index == null ? null : deniedCalls.get(index);
            JsonNode input = index == null ? null : rewritten.get(index);
            if (text == null && input != null) {
                rewrite(event, index, input, out);
            } else if (text == null) {
                pass(event, out); // an allowed call's event, or another part's that came while calls were held
            } else if (replaced.add(index)) {
                textBlock(index, text, out);
            }
        }
    }

    /**
     * An event of a call that goes out with {@code input}: its start with an empty input, followed by one delta with
     * the whole new input; its own deltas are dropped.
     */
    private static void rewrite(SseEvent event, int index, JsonNode input, Consumer<SseEvent> out) {
        ObjectNode data = event.json();
        String type = data == null ? "" : data.path("type").asText();
        if ("content_block_start".equals(type)) {
            ((ObjectNode) data.path("content_block")).putObject("input");
            out.accept(SseEvent.written(event.name(), data));
            ObjectNode delta = Parts.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", input.toString());
            out.accept(SseEvent.written("content_block_delta", delta));
        } else if (!"content_block_delta".equals(type)) {
            out.accept(event);
        }
    }

    private static void textBlock(int index, String text, Consumer<SseEvent> out) {
        ObjectNode start = Parts.JSON.createObjectNode().put("type", "content_block_start").put("index", index);
        start.putObject("content_block").put("type", "text").put("text", "");
        out.accept(SseEvent.written("content_block_start", start));
        ObjectNode delta = Parts.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        out.accept(SseEvent.written("content_block_delta", delta));
        ObjectNode stop = Parts.JSON.createObjectNode().put("type", "content_block_stop").put("index", index);
        out.accept(SseEvent.written("content_block_stop", stop));
    }

    @Override
    public byte[] streamError(String message) {
        return api.streamError(message, 0, null);
    }
}
