package dev.interpose.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Headers an upstream is sent besides the client's: {@code upstreams.<name>.headers.add} (each {@code Name: value},
 * set on every request, replacing the client's of that name) and {@code headers.remove} (names never sent).
 * Removal comes first, so a name in both is sent with the configured value.
 *
 * @param add                      the headers to set, in order
 * @param remove                   the names to drop, lowercase
 * @param forwardClientCredentials the client's own credentials go to this upstream as they came (a gateway
 *                                 that expects them), whatever its host; without a key of its own, a third-party
 *                                 host is otherwise refused them
 */
public record HeadersConfig(List<Header> add, List<String> remove, boolean forwardClientCredentials) {
    /** No edits. */
    public static final HeadersConfig NONE = new HeadersConfig(List.of(), List.of(), false);

    /** One header to set. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /** {@code Name: value} as the config writes it. */
        static Header parse(String line) {
            int colon = line.indexOf(':');
            return new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
    }

    public HeadersConfig {
        add = List.copyOf(add);
        remove = remove.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    /** The edits of the config's texts, each already checked by its key. */
    static HeadersConfig of(List<String> add, List<String> remove, boolean forwardClientCredentials) {
        return new HeadersConfig(add.stream().map(Header::parse).toList(), remove, forwardClientCredentials);
    }
}
