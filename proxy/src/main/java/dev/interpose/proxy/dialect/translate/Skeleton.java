package dev.interpose.proxy.dialect.translate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A JSON body with its long string values cut out, for {@link RawJson}: one pass over the bytes finds every
 * string, checks its inside as strictly as {@link dev.interpose.proxy.body.StrictJson} would (UTF-8 without
 * overlong forms, surrogates or anything past U+10FFFF; no raw control character; only JSON's escapes), and
 * copies the body to a skeleton in which each value string longer than {@link RawJson#RAW_FROM} bytes is
 * {@code ""}. Jackson then reads the skeleton (a tenth of Claude Code's request) for the structure, the
 * names and the short strings, and the holes ({@link #start}, {@link #end}, numbered by their place among
 * the value strings) give the long strings as the client's bytes. Outside strings only ASCII other than NUL
 * is let through (no JSON text has anything else there), so Jackson's encoding detection can only find
 * UTF-8. {@link #of} answers null for anything else: the strict reader then says what is wrong. Per body,
 * on one thread.
 */
final class Skeleton {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;
    /** A string past Jackson's limit (in bytes; its chars may be fewer): left to the strict reader. */
    private static final int MAX_STRING_BYTES = 20_000_000;

    final byte[] bytes;
    int length;
    int holes;
    int[] ordinal = new int[16];
    int[] start = new int[16];
    int[] end = new int[16];

    private Skeleton(int capacity) {
        this.bytes = new byte[capacity];
    }

    /** The skeleton of {@code body[from, body.length)}, or null when the body is not plainly JSON. */
    static Skeleton of(byte[] body, int from) {
        Skeleton out = new Skeleton(body.length - from);
        int run = from;
        int values = 0;
        int n = body.length;
        for (int i = from; i < n; ) {
            int c = body[i];
            if (c == '"') {
                int open = i;
                int close = closingQuote(body, open + 1, n);
                if (close < 0) {
                    return null;
                }
                i = close + 1;
                int after = i;
                while (after < n && (body[after] == ' ' || body[after] == '\n' || body[after] == '\r' || body[after] == '\t')) {
                    after++;
                }
                if (after < n && body[after] == ':') {
                    continue; // a name: Jackson reads it (and refuses it twice in one object)
                }
                if (close - open - 1 > RawJson.RAW_FROM) {
                    if (close - open > MAX_STRING_BYTES) {
                        return null;
                    }
                    out.copy(body, run, open + 1); // to its opening quote; its closing one starts the next run
                    out.hole(values, open, close + 1);
                    run = close;
                }
                values++;
            } else if (c <= 0) {
                return null; // NUL or not ASCII, outside a string
            } else {
                i++;
            }
        }
        out.copy(body, run, n);
        return out;
    }

    private void copy(byte[] body, int from, int to) {
        System.arraycopy(body, from, bytes, length, to - from);
        length += to - from;
    }

    private void hole(int value, int from, int to) {
        if (holes == ordinal.length) {
            ordinal = Arrays.copyOf(ordinal, holes * 2);
            start = Arrays.copyOf(start, holes * 2);
            end = Arrays.copyOf(end, holes * 2);
        }
        ordinal[holes] = value;
        start[holes] = from;
        end[holes] = to;
        holes++;
    }

    /** The closing quote of the string whose inside starts at {@code i}, or -1 when the inside is not valid. */
    private static int closingQuote(byte[] body, int i, int n) {
        while (i < n) {
            if (i + 8 <= n) {
                long special = special((long) LONGS.get(body, i));
                if (special == 0) {
                    i += 8;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3; // to the first byte that needs a look
            }
            int c = body[i] & 0xFF;
            if (c == '"') {
                return i;
            } else if (c == '\\') {
                int escape = i + 1 < n ? body[i + 1] : -1;
                if (escape == 'u') {
                    if (i + 6 > n || !hex(body[i + 2]) || !hex(body[i + 3]) || !hex(body[i + 4]) || !hex(body[i + 5])) {
                        return -1;
                    }
                    i += 6;
                } else if (escape == '"' || escape == '\\' || escape == '/' || escape == 'b' || escape == 'f'
                        || escape == 'n' || escape == 'r' || escape == 't') {
                    i += 2;
                } else {
                    return -1;
                }
            } else if (c < 0x20) {
                return -1;
            } else if (c < 0x80) {
                i++;
            } else {
                int length = utf8Length(body, i, n);
                if (length < 0) {
                    return -1;
                }
                i += length;
            }
        }
        return -1;
    }

    /**
     * The high bit of each of eight bytes (little-endian) that is not ASCII, a control character, a quote or
     * a backslash; a byte above such a one may be flagged too, never one below, so the lowest flag is exact.
     */
    private static long special(long word) {
        long control = (word - 0x2020202020202020L) & ~word & HIGH;
        long quote = word ^ 0x2222222222222222L;
        long backslash = word ^ 0x5C5C5C5C5C5C5C5CL;
        return (word & HIGH) | control | ((quote - ONES) & ~quote & HIGH) | ((backslash - ONES) & ~backslash & HIGH);
    }

    private static boolean hex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    /** The length of the strict UTF-8 sequence at {@code i} (its first byte not ASCII), or -1. */
    private static int utf8Length(byte[] body, int i, int n) {
        int b = body[i] & 0xFF;
        int length = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        if (length == 0 || i + length > n) {
            return -1;
        }
        int second = body[i + 1] & 0xFF;
        int low = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
        int high = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
        if (second < low || second > high) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            if ((body[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return length;
    }
}
