package dev.interpose.proxy.client;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 16 random hex digits, unique enough to find one exchange in a day of logs. Thread-safe. */
final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    static String next() {
        long bits = ThreadLocalRandom.current().nextLong();
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return new String(out);
    }
}
