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
    }

    /** Takes the readable bytes of one body chunk (a copy; the buffer is left as it is). */
    void feed(ByteBuf chunk);

    /** The upstream's body ended: {@code whenDone} runs (on the loop) once everything held has gone out. */
    void end(Runnable whenDone);

    /** The exchange is over: drop what is held; answers still to come are ignored. */
    void cancel();

    /** Whether the gate writes the body decoded (the client's head must then drop {@code content-encoding}). */
    default boolean decodes() {
        return false;
    }
}
