package dev.interpose.proxy.hook;

import io.netty.buffer.ByteBuf;

/**
 * What an exchange hands a response body to when {@code PreToolUse} hooks must see its tool calls before
 * the client does: {@link ToolGate} for a stream, {@link BodyGate} for a whole JSON body. Confined to the
 * exchange's event loop; holds only heap copies.
 */
public interface ResponseGate {

    /** Where a gate writes what the client receives; called on the event loop. */
    interface Output {
        void write(ByteBuf bytes);

        void flush();

        /**
         * The body cannot be judged, so none of it may reach the client: a 502 in the client's dialect with
         * {@code message} when nothing has gone out yet (see {@link #holdsWhole}), else the connection is
         * closed. Logged with the exchange. The gate writes nothing after it.
         */
        void refuse(String message);

        /**
         * As {@link #refuse(String)}, for a stream: when the head has gone out already, {@code lastEvent} (the
         * error event of the client's API, which it reads as a failed answer) is written before the connection
         * closes. The gate writes nothing after it.
         */
        void refuse(String message, byte[] lastEvent);
    }

    /** Takes the readable bytes of one body chunk (a copy; the buffer is left as it is). */
    void feed(ByteBuf chunk);

    /**
     * The upstream's body has no more bytes: a gate that reads the upstream's events for others hands them what
     * it still held, before the exchange reads what they collected. {@link #end} follows, and does it if this
     * was not called.
     */
    default void inputEnded() {
    }

    /** The upstream's body ended: {@code whenDone} runs (on the loop) once everything held has gone out. */
    void end(Runnable whenDone);

    /** The exchange is over: drop what is held; answers still to come are ignored. */
    void cancel();

    /**
     * Whether the gate holds the whole body before it writes any of it: the client's response head then
     * waits for the first write, so that a refusal can still be a proper error answer.
     */
    default boolean holdsWhole() {
        return false;
    }

    /** Whether the gate writes the body decoded (the client's head must then drop {@code content-encoding}). */
    default boolean decodes() {
        return false;
    }
}
