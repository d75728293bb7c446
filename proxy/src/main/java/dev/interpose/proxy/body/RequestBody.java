package dev.interpose.proxy.body;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * One request's body as the stages after its arrival share it: its JSON bytes (decoded once when it came
 * compressed, else one heap copy of what the client sent) and the tree those bytes hold, read at most once,
 * by whichever stage asks first (the commands and hooks), and then used by every later one (the cache key,
 * the model a rewritten body names). The request's own buffer stays the request's; this holds heap bytes, so
 * it can go off the event loop and outlive the buffer.
 *
 * <p>Immutable as a value: nobody changes the tree it hands out. A stage that changes the body (a command's
 * expansion, a hook's rewrite) works on its own copy and makes a new body of it with {@link #rewritten}.
 * Thread-safe: the tree is read once, under the body's lock.
 */
public final class RequestBody {
    private final byte[] bytes;
    private ObjectNode json;
    private UnreadableBodyException unreadable;

    private RequestBody(byte[] bytes, ObjectNode json) {
        this.bytes = bytes;
        this.json = json;
    }

    /** A body of these (uncompressed) bytes; its tree is read when first asked for. */
    public static RequestBody of(byte[] bytes) {
        return new RequestBody(bytes, null);
    }

    /** A copy of the readable bytes of {@code content}, which must be uncompressed; on the buffer's thread. */
    public static RequestBody copyOf(ByteBuf content) {
        return new RequestBody(ByteBufUtil.getBytes(content), null);
    }

    /** A body a stage wrote: {@code bytes} are {@code json} written out; the tree is the caller's no more. */
    public static RequestBody rewritten(byte[] bytes, ObjectNode json) {
        return new RequestBody(bytes, json);
    }

    /** The body's bytes, uncompressed; never to be changed. */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The object the body holds, read by {@link StrictJson} on the first call (off the event loop: it
     * allocates about three times the body); never to be changed: {@code deepCopy()} it to edit.
     *
     * @throws UnreadableBodyException the same one on every call, when the body is not one JSON object
     */
    public synchronized ObjectNode json() throws UnreadableBodyException {
        if (json == null) {
            if (unreadable != null) {
                throw unreadable;
            }
            try {
                json = StrictJson.object(bytes);
            } catch (UnreadableBodyException e) {
                unreadable = e;
                throw e;
            }
        }
        return json;
    }

    /** The tree when a stage has already read it (never to be changed), else null: asking does not read it. */
    public synchronized ObjectNode jsonIfRead() {
        return json;
    }

    /** The top-level {@code "model"} string: from the tree when it is read, else by {@link ModelPeek}. */
    public String model() {
        ObjectNode tree = jsonIfRead();
        return tree != null ? tree.path("model").textValue() : ModelPeek.of(bytes);
    }
}
