package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tool calls of one streamed answer, read event by event (in order, each event once) by a gate that
 * holds them back: which events start and end a call, what its id, name and input are, and how the held
 * events are written out once the hooks decided, with the denied calls replaced so that the stream stays one
 * the client accepts. It also writes the events that pass outside a hold, since a replacement may change
 * those too (a stop reason, sequence numbers, the output listed again at the end).
 *
 * <p>One per stream, confined to its exchange's event loop. Events are handed over whole and readable
 * ({@link SseEvent#unreadable} null); what it writes goes to {@code out} as whole events: those it was handed,
 * as they came, or its own ({@link SseEvent#written}), so that whoever reads the stream the client gets needs
 * no decoder of its own.
 */
public interface ToolCallStream {

    /** What one event did to the stream's calls. */
    record Change(List<ToolCall> started, List<ToolCall> ended) {
        /** An event that neither starts nor ends a call. */
        public static final Change NONE = new Change(List.of(), List.of());

        static Change started(ToolCall call) {
            return new Change(List.of(call), List.of());
        }

        static Change ended(ToolCall call) {
            return new Change(List.of(), List.of(call));
        }
    }

    /** Why this event's tool calls cannot be judged (the stream is refused there), or null. */
    default String unjudgeable(SseEvent event) {
        return null;
    }

    /** Reads the next event: the calls it starts (without input yet) and those it ends (with their input). */
    Change read(SseEvent event);

    /** The stream ended inside calls: each call still open ends here, on what came of it. */
    List<ToolCall> endOpen();

    /** Writes an event that is not held. */
    void pass(SseEvent event, Consumer<SseEvent> out);

    /**
     * Writes the events of a hold once every call in it was decided: the events of a denied call (by
     * {@link ToolCall#key}) are replaced by the text saying so, the others go out as they came.
     */
    default void release(List<SseEvent> held, Map<Integer, String> denied, Consumer<SseEvent> out) {
        release(held, denied, Map.of(), out);
    }

    /**
     * As {@link #release(List, Map, Consumer)}, and the calls in {@code rewritten} (by {@link ToolCall#key}, none of
     * them denied) go out with that input in place of theirs, in the shape {@link ToolCall#input} has for the call,
     * so that the client runs them with it ({@code PreToolUse}'s {@code updatedInput}).
     */
    void release(List<SseEvent> held, Map<Integer, String> denied, Map<Integer, JsonNode> rewritten,
            Consumer<SseEvent> out);

    /** The last event of a stream cut short here, as this API's clients read a failed answer. */
    byte[] streamError(String message);
}
