package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One direction of a stream translation, on decoded events: the events of one API in, the events of another
 * out. Steps compose (Responses on Chat is Chat to Messages, then Messages to Responses). Per response,
 * confined to its thread.
 */
interface EventStep {
    /**
     * One event of the source API.
     *
     * @param name the event's name, or null
     * @param data its data when that is a JSON object, else null
     * @param done whether it is Chat's {@code [DONE]}
     */
    void event(String name, ObjectNode data, boolean done, Out out);

    /** Why a stream that ended before its answer was complete fails. */
    String ENDED_EARLY = "the upstream's stream ended before the answer was complete";

    /** The source stream ended; a step that has not finished its target's grammar ends it with an error. */
    default void end(Out out) {
        fail(ENDED_EARLY, out);
    }

    /** The source stream broke ({@code why}): the target's stream ends in its error event. */
    void fail(String why, Out out);

    /** Whether the target's stream is complete (its last event, or an error, was written). */
    boolean finished();
}
