package dev.interpose.config;

import java.util.Objects;

/**
 * An upstream's own credential, read from the environment or a file when the configuration is loaded. Its value
 * is for the one header the proxy sends it in: {@link #toString()} shows where it came from, never the value,
 * so a record that holds it can be printed. Immutable.
 */
public final class ApiKey {
    private final String value;
    private final String source;
    private final String header;

    /**
     * @param value  the key, trimmed, not blank
     * @param source where it came from, as messages may show it ({@code environment variable DEEPSEEK_API_KEY})
     * @param header the header it is sent in, or null for the one the upstream's dialect expects
     */
    public ApiKey(String value, String source, String header) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException(source + ": an empty key");
        }
        this.value = value;
        this.source = Objects.requireNonNull(source, "source");
        this.header = header;
    }

    /** The key itself: for the upstream request's header, and nothing else. */
    public String value() {
        return value;
    }

    /** Where the key came from. */
    public String source() {
        return source;
    }

    /** The header it is sent in, or null for the dialect's ({@code x-api-key}, {@code authorization: Bearer}). */
    public String header() {
        return header;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && k.value.equals(value) && k.source.equals(source)
                && Objects.equals(k.header, header);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, source, header);
    }

    @Override
    public String toString() {
        return "ApiKey[" + source + (header == null ? "" : ", in " + header) + ", ***]";
    }
}
