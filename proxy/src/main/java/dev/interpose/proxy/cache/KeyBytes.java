package dev.interpose.proxy.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The growing byte array a {@link CacheKey} is written into: tags, length-prefixed strings, raw bytes, and
 * the one rewrite the body needs (an object's members put in name order). Confined to the thread that builds
 * the key.
 */
final class KeyBytes {
    private byte[] buf;
    private int size;

    KeyBytes(int capacity) {
        buf = new byte[capacity];
    }

    int size() {
        return size;
    }

    void put(char c) {
        ensure(1);
        buf[size++] = (byte) c;
    }

    /** A length-prefixed string: no separator can be forged by the text. */
    void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bytes(b, 0, b.length);
    }

    /** Length-prefixed bytes of {@code b}. */
    void bytes(byte[] b, int from, int length) {
        ensure(length + 5);
        int n = length;
        while (n >= 0x80) {
            buf[size++] = (byte) (n | 0x80);
            n >>>= 7;
        }
        buf[size++] = (byte) n;
        System.arraycopy(b, from, buf, size, length);
        size += length;
    }

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /** Rewrites the members from {@code from} to the end in name order (stable for repeated names). */
    void reorder(int from, List<String> names, int[] starts, int count) {
        byte[] region = Arrays.copyOfRange(buf, from, size);
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
        int at = from;
        for (int i : order) {
            int start = starts[i] - from;
            int end = (i + 1 < count ? starts[i + 1] : size) - from;
            System.arraycopy(region, start, buf, at, end - start);
            at += end - start;
        }
    }

    /** The bytes written so far are the first {@link #size} of this array. */
    byte[] array() {
        return buf;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
