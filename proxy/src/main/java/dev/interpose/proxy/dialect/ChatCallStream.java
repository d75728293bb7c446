package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The tool calls of a Chat Completions stream: deltas keyed by their index, spread over chunks, with the
 * tool's name not final until the end. So every call starts (nameless) at its first delta and all of them
 * end at {@code [DONE]} (or at the stream's end): a gate holds everything from the first call to there.
 * Released with denials, the denied calls are cut out of the chunks (the others renumbered), the reasons go
 * out as a content chunk first, and {@code finish_reason: tool_calls} becomes {@code stop} when no call is
 * left. Calls in another choice, or a legacy {@code function_call}, make the stream unjudgeable. One per
 * stream; confined to its event loop.
 */
final class ChatCallStream implements ToolCallStream {
    private final ApiDialect api;
    /** The calls since the last release, by index. */
    private final TreeMap<Integer, Call> calls = new TreeMap<>();

    /** One call put together from its deltas. */
    private static final class Call {
        String id;
        String name = "";
        final StringBuilder arguments = new StringBuilder();
        boolean open = true;
    }

    ChatCallStream(ApiDialect api) {
        this.api = api;
    }

    @Override
    public String unjudgeable(SseEvent event) {
        return event.json() == null ? null : ChatToolCalls.unjudgeable(event.json(), "delta");
    }

    @Override
    public Change read(SseEvent event) {
        if (event.done()) {
            return new Change(List.of(), endOpen());
        }
        JsonNode data = event.json();
        List<ToolCall> started = new ArrayList<>(0);
        for (JsonNode part : data == null ? Parts.JSON.createArrayNode()
                : data.path("choices").path(0).path("delta").path("tool_calls")) {
            int index = part.path("index").asInt();
            Call call = calls.get(index);
            if (call == null) {
                call = new Call();
                calls.put(index, call);
                started.add(new ToolCall(index, null, null, null));
            }
            if (part.path("id").isTextual()) {
                call.id = part.path("id").asText();
            }
            if (part.path("function").path("name").isTextual()) {
                call.name = part.path("function").path("name").asText();
            }
            call.arguments.append(part.path("function").path("arguments").asText(""));
        }
        return started.isEmpty() ? Change.NONE : new Change(started, List.of());
    }

    @Override
    public List<ToolCall> endOpen() {
        List<ToolCall> ended = new ArrayList<>();
        calls.forEach((index, call) -> {
            if (call.open) {
                call.open = false;
                ended.add(new ToolCall(index, call.id, call.name, Arguments.parse(call.arguments)));
            }
        });
        return ended;
    }

    @Override
    public void pass(SseEvent event, Consumer<SseEvent> out) {
        out.accept(event);
    }

    @Override
    public void release(List<SseEvent> held, Map<Integer, String> denied, Map<Integer, JsonNode> rewritten,
            Consumer<SseEvent> out) {
        if (denied.isEmpty() && rewritten.isEmpty()) {
            calls.clear();
            held.forEach(event -> out.accept(event));
            return;
        }
        StringBuilder reasons = new StringBuilder();
        Map<Integer, Integer> renumbered = new HashMap<>();
        calls.keySet().forEach(index -> {
            if (denied.containsKey(index)) {
                reasons.append(reasons.length() == 0 ? "" : "\n").append(denied.get(index));
            } else {
                renumbered.put(index, renumbered.size());
            }
        });
        calls.clear();
        if (!denied.isEmpty()) {
            ObjectNode first = held.get(0).json() == null ? Parts.JSON.createObjectNode() : held.get(0).json().deepCopy();
            ObjectNode choice = Parts.JSON.createObjectNode().put("index", 0);
            choice.putObject("delta").put("content", reasons.toString());
            choice.putNull("finish_reason");
            first.putArray("choices").add(choice);
            first.remove("usage");
            out.accept(SseEvent.written(null, first));
        }
        Map<Integer, String> arguments = new HashMap<>(); // a rewritten call's new arguments, until its first part
        rewritten.forEach((index, input) -> arguments.put(index, input.isTextual() ? input.asText() : input.toString()));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (SseEvent event : held) {
            ObjectNode data = event.json();
            if (data == null || !data.path("choices").path(0).isObject()) {
                out.accept(event);
                continue;
            }
            ObjectNode kept = kept(rewrite(data.deepCopy(), arguments, seen), renumbered);
            if (kept != null) {
                out.accept(SseEvent.written(null, kept));
            }
        }
    }

    /** A held chunk whose parts of rewritten calls carry the new arguments: the whole of them in the first part. */
    private static ObjectNode rewrite(ObjectNode chunk, Map<Integer, String> arguments, java.util.Set<Integer> seen) {
        for (JsonNode part : chunk.path("choices").path(0).path("delta").path("tool_calls")) {
            int index = part.path("index").asInt();
            String text = arguments.get(index);
            if (text != null && part.isObject()) {
                ObjectNode function = ((ObjectNode) part).with("function");
                function.put("arguments", seen.add(index) ? text : "");
            }
        }
        return chunk;
    }

    /** A held chunk without the denied calls (renumbered), or null when nothing is left of it. */
    private static ObjectNode kept(ObjectNode chunk, Map<Integer, Integer> renumbered) {
        ObjectNode choice = (ObjectNode) chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (delta.isObject() && delta.path("tool_calls").isArray()) {
            ArrayNode kept = Parts.JSON.createArrayNode();
            for (JsonNode part : delta.path("tool_calls")) {
                Integer index = renumbered.get(part.path("index").asInt());
                if (index != null) {
                    kept.add(((ObjectNode) part.deepCopy()).put("index", index));
                }
            }
            if (kept.isEmpty()) {
                ((ObjectNode) delta).remove("tool_calls");
            } else {
                ((ObjectNode) delta).set("tool_calls", kept);
            }
        }
        if ("tool_calls".equals(choice.path("finish_reason").asText()) && renumbered.isEmpty()) {
            choice.put("finish_reason", "stop");
        }
        boolean empty = (!delta.isObject() || delta.isEmpty()) && choice.path("finish_reason").isNull()
                && !chunk.path("usage").isObject();
        return empty ? null : chunk;
    }

    @Override
    public byte[] streamError(String message) {
        return api.streamError(message, 0, null);
    }
}
