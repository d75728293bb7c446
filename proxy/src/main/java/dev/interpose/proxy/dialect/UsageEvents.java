package dev.interpose.proxy.dialect;

/**
 * Which server-sent events of one API's answers report usage, and which event ends a stream. The usage
 * reader asks {@link #wants} on each event's {@code event:} line, so the data of every other event is never
 * copied, and hands each wanted event whole to {@link #onEvent}, which says what it carries through a
 * {@link Sink}; the reader parses no more than that. Stateless and thread-safe ({@link ApiDialect#usageEvents()}).
 */
public interface UsageEvents {

    /** What the usage reader learns from one event. */
    interface Sink {
        /**
         * The data is a JSON object whose {@code model} and {@code usage} count, or those of the object in its
         * field {@code nested} when that is not null.
         */
        void usage(byte[] data, int length, String nested);

        /** The stream reached its final event: successfully (the answer is whole), or failed or incomplete. */
        void ended(boolean success);
    }

    /** Whether the data of events with this name (null: an event without an {@code event:} line) is needed. */
    boolean wants(String event);

    /** One wanted event, its data whole (valid during the call only). */
    void onEvent(String event, byte[] data, int length, Sink sink);

    /**
     * The events of all three APIs at once, for a path that is no model call of a known API (the stream of
     * such a path is read as any of them might send it). Their event names do not overlap.
     */
    static UsageEvents any() {
        return AnyUsage.INSTANCE;
    }
}
