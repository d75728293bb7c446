package dev.interpose.proxy.log;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * One JSON object written into a reused byte array: the small writer behind the access log's lines, for one
 * thread at a time. Strings are escaped as Jackson escapes them ({@code \" \\ \n \r \t \b \f}, other control
 * characters as {@code \}{@code u00XX}, the halves of a surrogate pair escaped, everything else as UTF-8); milliseconds are written from whole
 * microseconds, so no double is ever formatted; a timestamp's date and time of day are formatted once a
 * second. Hand-written for speed: the Logstash encoder's generic path (a map per line, a serializer looked
 * up per value, {@code FloatingDecimal} per duration) was the top of the log thread's profile.
 */
final class JsonLine implements AccessFields.Sink {
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf = new byte[1024];
    private int len;
    private boolean first;
    private long second = Long.MIN_VALUE;
    private String secondText;
    private String offsetText;

    /** Starts a new object. */
    JsonLine begin() {
        len = 0;
        first = true;
        put((byte) '{');
        return this;
    }

    /** Ends the object and the line. */
    JsonLine end() {
        put((byte) '}');
        put((byte) '\n');
        return this;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** {@code "name":"2026-12-02T14:41:11.960422137Z"}: ISO-8601 with the offset of the JVM's zone, as Logstash writes it. */
    void timestamp(String name, Instant at, ZoneId zone) {
        key(name);
        if (at.getEpochSecond() != second) {
            ZoneOffset offset = zone.getRules().getOffset(at);
            secondText = SECOND.format(LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, offset));
            offsetText = offset.getId();
            second = at.getEpochSecond();
        }
        put((byte) '"');
        ascii(secondText);
        int nanos = at.getNano();
        if (nanos > 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            put((byte) '.');
            int start = len;
            ensure(digits);
            for (int i = digits - 1; i >= 0; i--) {
                buf[start + i] = (byte) ('0' + nanos % 10);
                nanos /= 10;
            }
            len = start + digits;
        }
        ascii(offsetText);
        put((byte) '"');
    }

    @Override
    public void text(String name, String value) {
        key(name);
        string(value);
    }

    @Override
    public void number(String name, long value) {
        key(name);
        ascii(Long.toString(value));
    }

    @Override
    public void millis(String name, double value) {
        key(name);
        if (value < 0) {
            ascii("-1.0");
        } else {
            ascii(appendMillis(new StringBuilder(16), value).toString());
        }
    }

    @Override
    public void bool(String name, boolean value) {
        key(name);
        ascii(value ? "true" : "false");
    }

    /**
     * Appends milliseconds rounded to three decimals as {@code Double.toString} of the rounded value would
     * ({@code 2089.259}, {@code 12.0}, {@code -1.0} when unknown), from whole microseconds.
     */
    static StringBuilder appendMillis(StringBuilder out, double millis) {
        if (millis < 0) {
            return out.append("-1.0");
        }
        long micros = Math.round(millis * 1000);
        if (micros >= 10_000_000_000L) {
            return out.append(micros / 1000.0); // 10^7 ms and over: Double.toString's own exponent form
        }
        out.append(micros / 1000).append('.');
        int frac = (int) (micros % 1000);
        if (frac == 0) {
            return out.append('0');
        }
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        String f = Integer.toString(frac);
        for (int i = f.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(f);
    }

    private void key(String name) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        put((byte) '"');
        ascii(name); // field names are our own ASCII constants
        put((byte) '"');
        put((byte) ':');
    }

    private void string(String s) {
        if (s == null) {
            ascii("null");
            return;
        }
        put((byte) '"');
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                put((byte) c);
            } else if (c < 0x80) {
                escape(c);
            } else {
                utf8(c);
            }
        }
        put((byte) '"');
    }

    private void escape(char c) {
        switch (c) {
            case '"': put2('\\', '"'); break;
            case '\\': put2('\\', '\\'); break;
            case '\n': put2('\\', 'n'); break;
            case '\r': put2('\\', 'r'); break;
            case '\t': put2('\\', 't'); break;
            case '\b': put2('\\', 'b'); break;
            case '\f': put2('\\', 'f'); break;
            default:
                put2('\\', 'u');
                put2('0', '0');
                put(HEX[c >> 4]);
                put(HEX[c & 0xF]);
        }
    }

    /** Writes the character at {@code i} as UTF-8, or escaped when it is half of a surrogate pair, as Jackson does. */
    private void utf8(char c) {
        ensure(6);
        if (c < 0x800) {
            buf[len++] = (byte) (0xC0 | (c >> 6));
            buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
            put2('\\', 'u');
            buf[len++] = HEX[c >> 12];
            buf[len++] = HEX[(c >> 8) & 0xF];
            buf[len++] = HEX[(c >> 4) & 0xF];
            buf[len++] = HEX[c & 0xF];
        } else {
            buf[len++] = (byte) (0xE0 | (c >> 12));
            buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            buf[len++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put2(char a, char b) {
        ensure(2);
        buf[len++] = (byte) a;
        buf[len++] = (byte) b;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
