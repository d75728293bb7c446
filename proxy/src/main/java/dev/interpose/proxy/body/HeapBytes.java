package dev.interpose.proxy.body;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A growable heap copy of body bytes, for the few places that must hold a body (or the unfinished tail of
 * a stream) while the buffers it came in go back to the pool. Not thread-safe.
 */
public final class HeapBytes {
    private byte[] bytes;
    private int length;

    public HeapBytes(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    /** Appends the readable bytes of {@code chunk}, leaving its indices as they are. */
    public void append(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
        chunk.getBytes(chunk.readerIndex(), bytes, length, n);
        length += n;
    }

    /**
     * Appends the chunk unless that would hold more than {@code max} bytes; false (and nothing appended)
     * when it would.
     */
    public boolean appendWithin(ByteBuf chunk, int max) {
        if (length + chunk.readableBytes() > max) {
            return false;
        }
        append(chunk);
        return true;
    }

    /** The backing array; valid up to {@link #length()}, until the next change. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** A copy of the bytes from {@code from} to {@code to}. */
    public byte[] copy(int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    /** Drops the first {@code count} bytes. */
    public void discard(int count) {
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
    }
}
