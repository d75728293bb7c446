package dev.interpose.proxy.stream;

import dev.interpose.proxy.body.ContentCodings;
import io.netty.buffer.Unpooled;

/**
 * A whole JSON answer as copied once off the wire, in its {@code Content-Encoding}, shown to every reader
 * of it ({@link BodyReader}). {@link #plain} decodes it; the first decoding is kept, so a body both usage
 * and the assembler read is decoded once when it fits both caps. Made on the event loop; may then be handed
 * to one other thread (the hook executor), which alone uses it after that.
 */
public final class JsonBody {
    private final byte[] bytes;
    private final int length;
    /** The coding to undo, or null for identity. */
    private final String encoding;
    private JsonBody decoded;

    JsonBody(byte[] bytes, int length, String encoding) {
        this.bytes = bytes;
        this.length = length;
        this.encoding = encoding;
    }

    /** The bytes, valid up to {@link #length()}; never changed. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /**
     * The body without its content coding, at most {@code maxBytes} long once decoded.
     *
     * @throws RuntimeException when it is not valid for its coding or decodes to more than {@code maxBytes}
     */
    public JsonBody plain(int maxBytes) {
        if (encoding == null) {
            return this;
        }
        if (decoded == null || decoded.length > maxBytes) {
            byte[] plain = ContentCodings.decode(Unpooled.wrappedBuffer(bytes, 0, length), encoding, maxBytes);
            decoded = new JsonBody(plain, plain.length, null);
        }
        return decoded;
    }
}
