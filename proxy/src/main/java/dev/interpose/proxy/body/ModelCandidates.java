package dev.interpose.proxy.body;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A byte scan of a JSON object's structure that counts its top-level member names a JSON reader could take
 * for {@code "model"}: the five bytes {@code model} themselves, or any name with an escape or a non-ASCII
 * byte in it (Jackson decodes the escape of an {@code e} and even an overlong UTF-8 form of a letter). It
 * follows strings, escapes and nesting exactly, skipping the inside of strings eight bytes at a time, and
 * never decodes a name below the top level (a tool's input schema may well have a {@code "model"}
 * property).
 *
 * <p>It gives up ({@link #UNSURE}) on anything it does not follow exactly: a body that is not one object
 * with only whitespace after it, brackets that do not match, nesting deeper than {@value #MAX_DEPTH}, a
 * top-level byte outside strings that no JSON value has (comments, single quotes, a byte order mark).
 * Tokens are not checked beyond that ({@code 1 2} passes): a body that is not JSON may then have its first
 * model read where a parser reading it whole finds none, but a second top-level name is never missed,
 * since up to it the body is JSON. The static methods are thread-safe; a call allocates a few hundred
 * bytes, and reads a buffer without a backing array through a per-thread 16 KiB window.
 */
final class ModelCandidates {
    /** The scan cannot vouch for the body: read it with a parser. */
    static final int UNSURE = -1;
    static final int MAX_DEPTH = 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final byte[] MODEL = {'m', 'o', 'd', 'e', 'l'};
    private static final int WINDOW = 16 * 1024;
    private static final FastThreadLocal<byte[]> WINDOWS = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[WINDOW];
        }
    };

    /** Bit {@code d} set: the container at depth {@code d} is an object. */
    private final long[] objects = new long[MAX_DEPTH / 64];
    private int depth;
    private boolean ended;
    private boolean unsure;
    private boolean inString;
    private boolean escaped;
    /** The string being read is a top-level member name, and how it compares so far. */
    private boolean name;
    private int nameLength;
    private boolean nameIsModel;
    private boolean nameEscapedOrWide;
    private boolean expectName;
    private int candidates;

    private ModelCandidates() {
    }

    /** How many top-level names could read as {@code model}, or {@link #UNSURE}. */
    static int count(byte[] body, int offset, int length) {
        ModelCandidates scan = new ModelCandidates();
        scan.feed(body, offset, offset + length);
        return scan.result();
    }

    /** As {@link #count(byte[], int, int)}, for the readable bytes of {@code body} (its indices left as they are). */
    static int count(ByteBuf body) {
        if (body.hasArray()) {
            return count(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        ModelCandidates scan = new ModelCandidates();
        byte[] window = WINDOWS.get();
        int end = body.writerIndex();
        for (int at = body.readerIndex(); at < end && !scan.unsure; at += WINDOW) {
            int n = Math.min(WINDOW, end - at);
            body.getBytes(at, window, 0, n);
            scan.feed(window, 0, n);
        }
        return scan.result();
    }

    private int result() {
        return unsure || inString || depth != 0 || !ended ? UNSURE : candidates;
    }

    /**
     * Scans {@code a[from, to)} on from where the last call stopped. One method with the state in locals, so
     * that the compiler keeps it in registers: this runs on the event loop for every request.
     */
    private void feed(byte[] a, int from, int to) {
        int depth = this.depth;
        boolean inString = this.inString;
        boolean escaped = this.escaped;
        boolean name = this.name;
        boolean expectName = this.expectName;
        boolean unsure = this.unsure;
        int i = from;
        while (i < to && !unsure) {
            if (inString && !name) {
                if (escaped) {
                    escaped = false;
                    i++; // the escaped byte (the hex digits of a u escape need no care)
                    continue;
                }
                i = plain(a, i, to);
                if (i < to) {
                    escaped = a[i++] == '\\'; // else the closing quote
                    inString = escaped;
                }
                continue;
            }
            byte c = a[i++];
            if (inString) { // a top-level member name: compared byte by byte
                if (escaped) {
                    escaped = false;
                    nameEscapedOrWide = true;
                } else if (c == '"') {
                    inString = false;
                    name = false;
                    expectName = false;
                    if (nameEscapedOrWide || nameIsModel && nameLength == MODEL.length) {
                        candidates++;
                    }
                } else if (c == '\\') {
                    escaped = true;
                } else {
                    nameEscapedOrWide |= c < 0;
                    nameIsModel &= nameLength < MODEL.length && c == MODEL[nameLength];
                    nameLength++;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    unsure = depth == 0;
                    name = depth == 1 && expectName;
                    if (name) {
                        nameLength = 0;
                        nameIsModel = true;
                        nameEscapedOrWide = false;
                    }
                }
                case ',', ':' -> {
                    unsure = depth == 0;
                    expectName = depth == 1 ? c == ',' : expectName;
                }
                case ' ', '\t', '\n', '\r' -> { }
                case '{', '[' -> {
                    boolean object = c == '{';
                    if (depth == 0 ? ended || !object : depth >= MAX_DEPTH) {
                        unsure = true;
                    } else {
                        objects[depth >>> 6] = object ? objects[depth >>> 6] | 1L << depth
                                : objects[depth >>> 6] & ~(1L << depth);
                        depth++;
                        expectName = depth == 1 || expectName;
                    }
                }
                case '}', ']' -> {
                    boolean object = c == '}';
                    if (depth == 0 || ((objects[(depth - 1) >>> 6] >>> (depth - 1)) & 1) != (object ? 1 : 0)) {
                        unsure = true;
                    } else {
                        depth--;
                        ended = depth == 0;
                    }
                }
                default -> unsure = depth == 0 || depth == 1 && !inValue(c);
            }
        }
        this.depth = depth;
        this.inString = inString;
        this.escaped = escaped;
        this.name = name;
        this.expectName = expectName;
        this.unsure = unsure;
    }

    /** The index of the first quote or backslash from {@code i}, or {@code to}: eight bytes at a time. */
    private static int plain(byte[] a, int i, int to) {
        while (i + Long.BYTES <= to) {
            long word = (long) LONGS.get(a, i);
            long hits = zeros(word ^ QUOTES) | zeros(word ^ BACKSLASHES);
            if (hits != 0) {
                return i + (Long.numberOfTrailingZeros(hits) >>> 3); // the lowest flag is exact
            }
            i += Long.BYTES;
        }
        while (i < to && a[i] != '"' && a[i] != '\\') {
            i++;
        }
        return i;
    }

    /** The high bit of each byte of {@code v} that is zero, and maybe of bytes above one (a borrow). */
    private static long zeros(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    /** A byte of a number or of {@code true}, {@code false}, {@code null}. */
    private static boolean inValue(byte c) {
        return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c == 't'
                || c == 'r' || c == 'u' || c == 'f' || c == 'a' || c == 'l' || c == 's' || c == 'n';
    }
}
