package dev.interpose.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in defaults as typed constants. The defaults themselves live in {@link ConfigTable}, with their
 * keys; these are views of it. With these and no file at all the proxy forwards to the real APIs.
 */
public final class Defaults {
    public static final String HOST = ConfigTable.HOST.defaultValue();
    public static final int PORT = ConfigTable.PORT.defaultValue();
    public static final int MAX_HEADER_BYTES = ConfigTable.MAX_HEADER_BYTES.defaultValue();
    public static final int MAX_BODY_BYTES = ConfigTable.MAX_BODY_BYTES.defaultValue();

    public static final Duration CONNECT_TIMEOUT = ConfigTable.CONNECT_TIMEOUT.defaultValue();
    public static final Duration HEAD_TIMEOUT = ConfigTable.HEAD_TIMEOUT.defaultValue();
    public static final Duration IDLE_TIMEOUT = ConfigTable.IDLE_TIMEOUT.defaultValue();
    public static final Duration DRAIN_TIMEOUT = ConfigTable.DRAIN_TIMEOUT.defaultValue();
    public static final int MAX_IDLE_CONNECTIONS = ConfigTable.MAX_IDLE_CONNECTIONS.defaultValue();

    /** Built-in upstreams: name to base URL and dialect, in routing order. */
    public static final Map<String, String> UPSTREAM_URLS;
    public static final Map<String, Dialect> UPSTREAM_DIALECTS;

    static {
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, Dialect> dialects = new LinkedHashMap<>();
        for (ConfigTable.BuiltIn builtIn : ConfigTable.BUILT_INS) {
            urls.put(builtIn.name(), builtIn.url().toString());
            dialects.put(builtIn.name(), builtIn.dialect());
        }
        UPSTREAM_URLS = java.util.Collections.unmodifiableMap(urls);
        UPSTREAM_DIALECTS = java.util.Collections.unmodifiableMap(dialects);
    }

    private Defaults() {
    }
}
