package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ResponsesApi;
import dev.interpose.proxy.dialect.Arguments;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Holds back the tool calls of a streamed response (Anthropic Messages, the Responses API, Chat
 * Completions) until the {@code PreToolUse} hooks have decided on them, and on a deny puts a text part
 * saying so where the call was, keeping the stream one the client accepts. Chat Completions streams
 * spread calls over chunks keyed by index: from the first such chunk the rest of the stream is held, the
 * calls are judged together at {@code [DONE]}, denied calls are cut out of the chunks (the others
 * renumbered), the reasons go out as a content chunk, and {@code finish_reason: tool_calls} becomes
 * {@code stop} when no call is left.
 *
 * <p>The stream is cut into whole events. Events pass through byte for byte until a tool call a hook
 * matches begins; from there every event waits, in order, while that call's events are collected and
 * the hooks run (off the event loop). Allowed, the held events go out unchanged; denied, the call's
 * events are replaced by a text part at the same index. Anthropic's {@code stop_reason: tool_use} becomes
 * {@code end_turn} when every call of the message was denied; the Responses API's {@code sequence_number}s
 * are renumbered after a replacement and the denied items are replaced in {@code response.completed} too.
 *
 * <p>It judges what the client parses, never less: an event's data is read as {@code JSON.parse} and
 * serde read it (JSON whitespace around it allowed, nothing after it), its data lines joined as the SSE
 * standard says, a byte order mark at a line's start dropped as the SDKs drop it; a stream that ends in
 * the middle of an event or of a call has that event and that call judged all the same. An event it
 * cannot judge (data that is not JSON, other than Chat's {@code [DONE]}; over {@link #MAX_EVENT_BYTES};
 * framed so that it could be read as two events) is never passed on: the stream ends there with the
 * API's error event ({@link StreamErrors}) and the connection closes. Events with no data (comments,
 * blank lines) pass as they are.
 *
 * <p>Confined to the exchange's event loop; hook answers come back through {@code loop}. Holds only heap
 * copies, so a cancelled gate leaks nothing.
 */
public final class ToolGate implements ResponseGate {
    /** Reads an event's data as the clients do: one JSON value, whitespace around it, nothing after it. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** An event larger than this cannot be judged: the stream is refused there. */
    static final int MAX_EVENT_BYTES = dev.interpose.proxy.body.Limits.GATE_EVENT_BYTES;

    /** Asks the hooks about a tool call. */
    interface Judge {
        /** Whether some hook wants to see a call of this tool (else it passes without waiting). */
        boolean wants(String toolName);

        /** Completes (on any thread, never exceptionally) with the denial, or null to let the call through. */
        CompletableFuture<Denial> judge(String id, String name, JsonNode input);
    }

    /** A denied call: which hook denied it and why. */
    record Denial(String hook, String reason) {
        String text(String tool) {
            return "Interpose denied the " + tool + " tool call: hook " + hook + " said: " + reason;
        }
    }

    private final ApiDialect api;
    private final Judge judge;
    private final Executor loop;
    private final Output out;

    private final HeapBytes pending = new HeapBytes(8192);
    private final Fields fields = new Fields();
    private final SseDecoder decoder = new SseDecoder(fields, MAX_EVENT_BYTES);
    private int scanned;
    private boolean lineEmpty = true;
    private boolean lastCr;
    /** An event past the cap was met: nothing after it is framed. */
    private boolean overflowed;

    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    /** The events of the call being collected (and whatever came between), or null. */
    private List<Event> held;
    private int heldIndex;
    private String heldName;
    private String heldId;
    private final StringBuilder heldInput = new StringBuilder();
    /** The input the call's start event already carried (an upstream may send it whole there), or null. */
    private JsonNode heldStartInput;
    private boolean waiting;
    private boolean ended;
    private boolean cancelled;
    private Runnable onDrained;

    private int allowed;
    private int denied;
    /** Responses API: the sequence number the next event gets once renumbering started, else -1. */
    private int nextSequence = -1;
    private int lastSequence = -1;
    private final Map<String, ObjectNode> replacedItems = new HashMap<>();
    /** Responses API: the id of the response, for a {@code response.failed} of the proxy's own. */
    private String responseId;

    ToolGate(ApiDialect api, Judge judge, Executor loop, Output out) {
        this.api = api;
        this.judge = judge;
        this.loop = loop;
        this.out = out;
    }

    @Override
    public void feed(ByteBuf chunk) {
        if (cancelled || overflowed) {
            return;
        }
        pending.append(chunk);
        frame();
        pump();
        out.flush();
    }

    @Override
    public void end(Runnable whenDone) {
        if (cancelled) {
            return;
        }
        if (pending.length() > 0 && !overflowed) {
            // No blank line after the last event: judged as if it had one, in case a client reads it so.
            queue.add(parse(pending.copy(0, pending.length()), true));
            pending.discard(pending.length());
            scanned = 0;
        }
        ended = true;
        onDrained = whenDone;
        pump();
        out.flush();
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.clear();
        held = null;
        onDrained = null;
    }

    /** Whether events are being held back now. */
    public boolean holding() {
        return held != null || !queue.isEmpty();
    }

    // --- framing: whole events out of the byte stream ---

    private void frame() {
        byte[] bytes = pending.array();
        int length = pending.length();
        int eventStart = 0;
        int stop = length;
        for (int i = scanned; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastCr) {
                lastCr = false; // the LF of a CRLF
                continue;
            }
            if (b == '\r' && lineEmpty && i + 1 == length) {
                // An event ended by a CR that is the last byte so far: whether an LF follows decides where its
                // bytes end, so wait for the next byte (or the stream's end) before taking it, as one chunk would.
                stop = i;
                break;
            }
            lastCr = b == '\r';
            if (b == '\n' || b == '\r') {
                if (lineEmpty) {
                    int end = i + 1;
                    if (b == '\r' && end < length && bytes[end] == '\n') {
                        end++;
                        i++;
                        lastCr = false;
                    }
                    queue.add(parse(pending.copy(eventStart, end), false));
                    eventStart = end;
                }
                lineEmpty = true;
            } else {
                lineEmpty = false;
            }
        }
        if (length - eventStart > MAX_EVENT_BYTES) {
            queue.add(Event.unreadable("an event is larger than the " + MAX_EVENT_BYTES
                    + " bytes the proxy reads to check it"));
            overflowed = true; // the rest of the stream is dropped: it ends at that event
            eventStart = length;
        }
        pending.discard(eventStart);
        scanned = Math.max(0, stop - eventStart);
    }

    private static final byte[] BLANK_LINE = {'\n', '\n'};

    /**
     * One whole event's name and data, read by the project's SSE decoder (fed event by event, in order);
     * {@code last}: the stream's unterminated tail, ended here with a blank line the client never got.
     */
    private Event parse(byte[] raw, boolean last) {
        fields.name = null;
        fields.data = null;
        fields.events = 0;
        fields.truncated = false;
        decoder.feed(raw, 0, raw.length);
        if (last) {
            decoder.feed(BLANK_LINE, 0, BLANK_LINE.length);
        }
        if (fields.events > 1) {
            // A line of only a byte order mark: one event here, two to a client that drops the mark.
            return Event.unreadable("an event's lines could be read as more than one event");
        }
        if (fields.truncated) {
            return Event.unreadable("an event's data is larger than the " + MAX_EVENT_BYTES
                    + " bytes the proxy reads to check it");
        }
        return Event.of(raw, fields.name, fields.data);
    }

    /** Keeps the fields of the one event {@link #decoder} was just fed, and how many it found. */
    private static final class Fields implements SseDecoder.Listener {
        String name;
        String data;
        int events;
        boolean truncated;

        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void onEvent(String event, byte[] bytes, int length, boolean truncated) {
            events++;
            name = event;
            this.truncated = truncated;
            data = truncated ? null : new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }

    // --- the events, in order ---

    private void pump() {
        while (!waiting && !cancelled && !queue.isEmpty()) {
            step(queue.poll());
        }
        if (ended && !waiting && queue.isEmpty() && !cancelled && held != null) {
            // The stream ended inside a call (a Chat stream: without [DONE]): judged on what came of it.
            if (api == ApiDialect.CHAT) {
                judgeChat();
            } else {
                judgeHeld(api == ApiDialect.MESSAGES ? messagesInput() : ResponsesApi.callInput(held.get(0).json().path("item")));
            }
        }
        if (ended && !waiting && queue.isEmpty() && !cancelled && held == null) {
            Runnable done = onDrained;
            onDrained = null;
            if (done != null) {
                done.run();
            }
        }
    }

    private void step(Event event) {
        if (event.unreadable != null) {
            refuse(event.unreadable);
            return;
        }
        JsonNode data = event.json();
        if (data != null && api instanceof ResponsesApi && responseId == null && data.path("response").path("id").isTextual()) {
            responseId = data.path("response").path("id").asText();
        }
        if (api == ApiDialect.CHAT) {
            chatStep(event, data);
            return;
        }
        if (held != null) {
            held.add(event);
            collect(data);
            return;
        }
        if (data != null && startsCall(event, data)) {
            return;
        }
        if (data != null && api == ApiDialect.MESSAGES && "message_delta".equals(data.path("type").asText())
                && "tool_use".equals(data.path("delta").path("stop_reason").asText()) && allowed == 0 && denied > 0) {
            ((ObjectNode) data.path("delta")).put("stop_reason", "end_turn"); // every call was denied
            emitJson(event.name, (ObjectNode) data);
            return;
        }
        if (data != null && api instanceof ResponsesApi && !replacedItems.isEmpty() && data.path("response").isObject()) {
            replaceItems((ObjectNode) data.path("response"));
            emitJson(event.name, (ObjectNode) data);
            return;
        }
        emit(event);
    }

    /** A tool call a hook wants starts here: begin holding. */
    private boolean startsCall(Event event, JsonNode data) {
        String type = data.path("type").asText();
        JsonNode call;
        int index;
        if (api == ApiDialect.MESSAGES && "content_block_start".equals(type)
                && "tool_use".equals(data.path("content_block").path("type").asText())) {
            call = data.path("content_block");
            index = data.path("index").asInt();
            heldId = call.path("id").asText(null);
            heldStartInput = call.path("input").isObject() && call.path("input").size() > 0 ? call.path("input") : null;
        } else if (api instanceof ResponsesApi && "response.output_item.added".equals(type)
                && ResponsesApi.isCall(data.path("item"))) {
            call = data.path("item");
            index = data.path("output_index").asInt();
            heldId = call.path("call_id").asText(null);
            heldStartInput = null;
        } else {
            return false;
        }
        String name = ResponsesApi.toolName(call);
        if (!judge.wants(name)) {
            allowed++;
            return false;
        }
        held = new ArrayList<>();
        held.add(event);
        heldIndex = index;
        heldName = name;
        heldInput.setLength(0);
        return true;
    }

    /** One more event while a call is held: its input grows, or it ends and the hooks are asked. */
    private void collect(JsonNode data) {
        if (data == null) {
            return;
        }
        String type = data.path("type").asText();
        JsonNode input;
        if (api == ApiDialect.MESSAGES) {
            if (data.path("index").asInt(-1) != heldIndex) {
                return;
            }
            if ("content_block_delta".equals(type)) {
                heldInput.append(data.path("delta").path("partial_json").asText(""));
                return;
            }
            if (!"content_block_stop".equals(type)) {
                return;
            }
            input = messagesInput();
        } else {
            if (!"response.output_item.done".equals(type) || data.path("output_index").asInt(-1) != heldIndex) {
                return;
            }
            input = ResponsesApi.callInput(data.path("item"));
        }
        judgeHeld(input);
    }

    /** The input of the Anthropic call held, from its deltas (or its start event when it came whole there). */
    private JsonNode messagesInput() {
        return heldInput.length() == 0 && heldStartInput != null ? heldStartInput
                : Arguments.parse(JSON.getNodeFactory().textNode(heldInput.length() == 0 ? "{}"
                        : heldInput.toString()));
    }

    private void judgeHeld(JsonNode input) {
        waiting = true;
        judge.judge(heldId, heldName, input).whenComplete((denial, error) ->
                loop.execute(() -> decided(error == null ? denial : null)));
    }

    /**
     * The stream cannot be judged from here on: nothing more of it goes out (not the call being held either),
     * the client gets its API's error event, and the connection closes.
     */
    private void refuse(String why) {
        cancel();
        int sequence = nextSequence >= 0 ? nextSequence : lastSequence + 1;
        String message = "the upstream's stream was cut short: the PreToolUse hooks cannot check its tool calls, as "
                + why;
        out.refuse(message, api.streamError(message, sequence, responseId));
    }

    private void decided(Denial denial) {
        if (cancelled) {
            return;
        }
        List<Event> events = held;
        held = null;
        waiting = false;
        if (denial == null) {
            allowed++;
            events.forEach(this::emit);
        } else {
            denied++;
            String text = denial.text(heldName);
            boolean replaced = false;
            for (Event event : events) {
                if (!ofHeldCall(event.json())) {
                    emit(event); // another part's event that came while the call was held
                } else if (!replaced) {
                    replaced = true;
                    if (api == ApiDialect.MESSAGES) {
                        messagesText(text);
                    } else {
                        responsesText(event.json(), text);
                    }
                }
            }
        }
        pump();
        out.flush();
    }

    private boolean ofHeldCall(JsonNode data) {
        if (data == null) {
            return false;
        }
        return api == ApiDialect.MESSAGES ? data.path("index").asInt(-1) == heldIndex
                : data.path("output_index").asInt(-1) == heldIndex;
    }

    private void messagesText(String text) {
        ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", heldIndex);
        start.putObject("content_block").put("type", "text").put("text", "");
        emitJson("content_block_start", start);
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", heldIndex);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        emitJson("content_block_delta", delta);
        emitJson("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", heldIndex));
    }

    private void responsesText(JsonNode first, String text) {
        if (nextSequence < 0) {
            nextSequence = lastSequence + 1; // renumber from here on
        }
        String id = "msg_interpose_" + (heldId == null ? Integer.toString(heldIndex) : heldId);
        ObjectNode added = responsesEvent("response.output_item.added");
        added.set("item", messageItem(id, "in_progress", null));
        emitJson("response.output_item.added", added);
        ObjectNode part = JSON.createObjectNode().put("type", "output_text").put("text", "");
        part.putArray("annotations");
        emitJson("response.content_part.added", partEvent("response.content_part.added", id).set("part", part));
        emitJson("response.output_text.delta", partEvent("response.output_text.delta", id).put("delta", text));
        emitJson("response.output_text.done", partEvent("response.output_text.done", id).put("text", text));
        ObjectNode fullPart = part.deepCopy().put("text", text);
        emitJson("response.content_part.done", partEvent("response.content_part.done", id).set("part", fullPart));
        ObjectNode item = messageItem(id, "completed", text);
        ObjectNode done = responsesEvent("response.output_item.done");
        done.set("item", item);
        emitJson("response.output_item.done", done);
        String callItemId = first.path("item").path("id").asText(null);
        replacedItems.put(callItemId != null ? callItemId : heldId, item);
    }

    private ObjectNode responsesEvent(String type) {
        return JSON.createObjectNode().put("type", type).put("sequence_number", 0).put("output_index", heldIndex);
    }

    private ObjectNode partEvent(String type, String itemId) {
        ObjectNode event = JSON.createObjectNode().put("type", type).put("sequence_number", 0);
        return event.put("item_id", itemId).put("output_index", heldIndex).put("content_index", 0);
    }

    private static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = JSON.createObjectNode().put("id", id).put("type", "message").put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
        }
        return item;
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
            if (replacement != null) {
                items.set(i, replacement);
            }
        }
    }

    // --- Chat Completions: tool calls come as deltas keyed by index, usually at the end of the stream ---

    private boolean chatJudged;

    /** From the first chunk with a tool call to the end of the stream everything is held, then judged at once. */
    private void chatStep(Event event, JsonNode data) {
        String unjudgeable = data == null ? null : chatUnjudgeable(data, "delta");
        if (unjudgeable != null) {
            refuse(unjudgeable);
            return;
        }
        if (held != null) {
            held.add(event);
            if (event.done) {
                judgeChat();
            }
            return;
        }
        if (data != null && data.path("choices").path(0).path("delta").path("tool_calls").size() > 0) {
            held = new ArrayList<>();
            held.add(event);
            chatJudged = false; // a call after [DONE] is judged too
            return;
        }
        emit(event);
    }

    /**
     * Why the tool calls of a Chat chunk ({@code part} {@code delta}) or answer ({@code message}) cannot be
     * judged, or null: calls in a choice other than the first (a client keys choices by their index), or a
     * legacy {@code function_call}, which the gate does not read.
     */
    static String chatUnjudgeable(JsonNode data, String part) {
        JsonNode choices = data.path("choices");
        for (int i = 0; i < choices.size(); i++) {
            JsonNode choice = choices.get(i);
            JsonNode content = choice.path(part);
            if (content.hasNonNull("function_call")) {
                return "a choice has a legacy function_call, which the proxy does not check";
            }
            if (content.path("tool_calls").size() > 0 && (i > 0 || choice.path("index").asInt(0) != 0)) {
                return "tool calls come in a choice other than the first, which the proxy does not check";
            }
        }
        return null;
    }

    /** One Chat tool call put together from its deltas. */
    private static final class ChatCall {
        String id;
        String name = "";
        final StringBuilder arguments = new StringBuilder();
        Denial denial;
    }

    private void judgeChat() {
        chatJudged = true;
        java.util.TreeMap<Integer, ChatCall> calls = new java.util.TreeMap<>();
        for (Event event : held) {
            JsonNode data = event.json();
            for (JsonNode part : data == null ? JSON.createArrayNode()
                    : data.path("choices").path(0).path("delta").path("tool_calls")) {
                ChatCall call = calls.computeIfAbsent(part.path("index").asInt(), i -> new ChatCall());
                if (part.path("id").isTextual()) {
                    call.id = part.path("id").asText();
                }
                if (part.path("function").path("name").isTextual()) {
                    call.name = part.path("function").path("name").asText();
                }
                call.arguments.append(part.path("function").path("arguments").asText(""));
            }
        }
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (ChatCall call : calls.values()) {
            if (judge.wants(call.name)) {
                JsonNode input = Arguments.parse(JSON.getNodeFactory().textNode(
                        call.arguments.length() == 0 ? "{}" : call.arguments.toString()));
                answers.add(judge.judge(call.id, call.name, input).thenAccept(d -> call.denial = d));
            }
        }
        if (answers.isEmpty()) {
            List<Event> events = held;
            held = null;
            events.forEach(this::emit);
            return;
        }
        waiting = true;
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(() -> chatDecided(calls)));
    }

    private void chatDecided(java.util.TreeMap<Integer, ChatCall> calls) {
        if (cancelled) {
            return;
        }
        List<Event> events = held;
        held = null;
        waiting = false;
        StringBuilder denials = new StringBuilder();
        java.util.Map<Integer, Integer> renumbered = new HashMap<>();
        for (java.util.Map.Entry<Integer, ChatCall> e : calls.entrySet()) {
            if (e.getValue().denial != null) {
                denials.append(denials.length() == 0 ? "" : "\n").append(e.getValue().denial.text(e.getValue().name));
            } else {
                renumbered.put(e.getKey(), renumbered.size());
            }
        }
        if (denials.length() == 0) {
            events.forEach(this::emit);
        } else {
            ObjectNode first = (ObjectNode) events.get(0).json().deepCopy();
            ObjectNode choice = JSON.createObjectNode().put("index", 0);
            choice.putObject("delta").put("content", denials.toString());
            choice.putNull("finish_reason");
            first.putArray("choices").add(choice);
            first.remove("usage");
            emitJson(null, first);
            for (Event event : events) {
                ObjectNode data = (ObjectNode) event.json();
                if (data == null || !data.path("choices").path(0).isObject()) {
                    emit(event);
                    continue;
                }
                ObjectNode kept = chatChunk(data.deepCopy(), renumbered);
                if (kept != null) {
                    emitJson(null, kept);
                }
            }
        }
        pump();
        out.flush();
    }

    /** A held chunk without the denied calls (renumbered), or null when nothing is left of it. */
    private static ObjectNode chatChunk(ObjectNode chunk, java.util.Map<Integer, Integer> renumbered) {
        ObjectNode choice = (ObjectNode) chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        if (delta.isObject() && delta.path("tool_calls").isArray()) {
            ArrayNode kept = JSON.createArrayNode();
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

    // --- writing ---

    private void emit(Event event) {
        if (api instanceof ResponsesApi && event.json() != null && event.json().has("sequence_number")) {
            if (nextSequence >= 0) {
                emitJson(event.name, (ObjectNode) event.json());
                return;
            }
            lastSequence = event.json().path("sequence_number").asInt();
        }
        out.write(Unpooled.wrappedBuffer(event.raw));
    }

    private void emitJson(String name, ObjectNode data) {
        if (api instanceof ResponsesApi && data.has("sequence_number") && nextSequence >= 0) {
            data.put("sequence_number", nextSequence++);
        }
        String text = (name != null ? "event: " + name + "\n" : "") + "data: " + data + "\n\n";
        out.write(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * One event: its bytes as received, its name, its data parsed (null when not a JSON object), or why it
     * cannot be judged.
     */
    private static final class Event {
        final byte[] raw;
        final String name;
        private final ObjectNode json;
        /** Chat's {@code data: [DONE]}. */
        final boolean done;
        /** Why the event cannot be judged, or null. */
        final String unreadable;

        Event(byte[] raw, String name, ObjectNode json, boolean done, String unreadable) {
            this.raw = raw;
            this.name = name;
            this.json = json;
            this.done = done;
            this.unreadable = unreadable;
        }

        JsonNode json() {
            return json;
        }

        static Event unreadable(String why) {
            return new Event(null, null, null, false, why);
        }

        static Event of(byte[] raw, String name, String data) {
            if (data == null) {
                return new Event(raw, name, null, false, null); // no data: nothing a client parses
            }
            if (isDone(data)) {
                return new Event(raw, name, null, true, null);
            }
            try {
                JsonNode node = JSON.readTree(data); // empty or blank data reads as no value
                return new Event(raw, name, node instanceof ObjectNode ? (ObjectNode) node : null, false, null);
            } catch (StreamConstraintsException e) {
                return unreadable("an event's data is past a limit of the proxy's JSON reader: " + e.getOriginalMessage());
            } catch (IOException e) {
                return unreadable("an event's data is not JSON" + (name == null ? "" : " (event " + shown(name) + ")"));
            }
        }

        /** Chat's end: the SDKs take any data starting with {@code [DONE]} for it (here after JSON whitespace). */
        private static boolean isDone(String data) {
            int i = 0;
            while (i < data.length() && isJsonWhitespace(data.charAt(i))) {
                i++;
            }
            return data.startsWith("[DONE]", i);
        }

        private static boolean isJsonWhitespace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }

        private static String shown(String name) {
            String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
            return cut.replaceAll("[^\\x20-\\x7e…]", "?");
        }
    }
}
