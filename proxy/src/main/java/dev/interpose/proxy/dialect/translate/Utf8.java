package dev.interpose.proxy.dialect.translate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The strict UTF-8 check {@link RawJson} needs before Jackson reads the bytes (Jackson alone lets overlong
 * forms and encoded surrogates through): well-formed as the JDK's decoder with {@code REPORT} wants it
 * (no overlong form, no surrogate, nothing past U+10FFFF, nothing cut short), and no NUL byte (which no JSON
 * text holds raw). Eight ASCII bytes at a time. Stateless.
 */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;

    private Utf8() {
    }

    /** Whether {@code bytes[from, to)} is strict UTF-8 without a NUL byte. */
    static boolean isStrictWithoutNul(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (i + 8 <= to) {
                long word = (long) LONGS.get(bytes, i);
                if ((word & HIGH_BITS) == 0 && ((word - LOW_BITS) & HIGH_BITS) == 0) {
                    i += 8; // eight ASCII bytes, none of them 0
                    continue;
                }
            }
            int b = bytes[i] & 0xFF;
            if (b == 0) {
                return false;
            }
            if (b < 0x80) {
                i++;
                continue;
            }
            int length = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
            if (length == 0 || i + length > to) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            int low = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
            int high = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }
}
