package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * How one API's answers carry tool calls, for the {@code PreToolUse} gates: the calls of a whole answer and
 * how a denied one is replaced by the text saying so, and (through {@link #stream()}) the same for a
 * streamed answer. Stateless and thread-safe; the state of one stream lives in its {@link ToolCallStream}.
 */
public interface ToolCalls {

    /** A reader of one streamed answer's tool calls. */
    ToolCallStream stream();

    /** Why the tool calls of this whole answer cannot be judged (it must not pass then), or null. */
    default String unjudgeable(ObjectNode answer) {
        return null;
    }

    /** Every tool call of a whole answer, in order, keyed by where it sits. */
    List<ToolCall> calls(ObjectNode answer);

    /**
     * Replaces the denied calls of a whole answer (by {@link ToolCall#key}) with the texts saying so, and
     * adjusts what says the turn waits for tool results when no call is left.
     */
    void replace(ObjectNode answer, Map<Integer, String> denied);

    /**
     * Gives the calls of a whole answer in {@code inputs} (by {@link ToolCall#key}) that input in place of theirs, in
     * the shape {@link ToolCall#input} has for the call ({@code PreToolUse}'s {@code updatedInput}). Called before
     * {@link #replace}, whose removals may move the calls.
     */
    void rewrite(ObjectNode answer, Map<Integer, JsonNode> inputs);
}
