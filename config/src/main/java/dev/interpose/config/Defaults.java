package dev.interpose.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every built-in default, in one place. With these and no file at all the proxy forwards to the real APIs. */
public final class Defaults {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 10000;
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    public static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Non-streaming calls to reasoning models can think for many minutes before the head. */
    public static final Duration HEAD_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_IDLE_CONNECTIONS = 64;

    /** Built-in upstreams: name to base URL and dialect, in routing order. */
    public static final Map<String, String> UPSTREAM_URLS;
    public static final Map<String, Dialect> UPSTREAM_DIALECTS;

    static {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("anthropic", "https://api.anthropic.com");
        urls.put("openai", "https://api.openai.com");
        urls.put("chatgpt", "https://chatgpt.com");
        UPSTREAM_URLS = java.util.Collections.unmodifiableMap(urls);
        UPSTREAM_DIALECTS = Map.of("anthropic", Dialect.ANTHROPIC, "openai", Dialect.OPENAI,
                "chatgpt", Dialect.OPENAI);
    }

    private Defaults() {
    }
}
