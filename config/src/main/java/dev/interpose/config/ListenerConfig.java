package dev.interpose.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Where the proxy listens and the limits it puts on what clients send.
 *
 * @param host            interface to bind, {@code 127.0.0.1} by default
 * @param port            TCP port, 0 picks a free one
 * @param maxHeaderBytes  total size of the request headers before a 431 answer
 * @param maxBodyBytes    size of a request body before a 413 answer
 * @param allowedHosts    {@code Host} names accepted besides the loopback names and the bound address (lowercase,
 *                        without port); any other {@code Host} is refused (DNS rebinding)
 * @param allowedOrigins  browser {@code Origin}s accepted (lowercase, such as {@code https://app.example}); a
 *                        request from any other origin is refused
 * @param requestTimeout  how long a client may take to send a request head (and go silent within its body)
 *                        while nothing is in flight on its connection; also how long an idle keep-alive
 *                        connection stays open
 * @param allowOtherUsers whether a loopback client owned by another local user than the proxy's may use it; by
 *                        default (false) such a connection is refused, where the system can tell (Linux)
 */
public record ListenerConfig(String host, int port, int maxHeaderBytes, int maxBodyBytes, List<String> allowedHosts,
        List<String> allowedOrigins, Duration requestTimeout, boolean allowOtherUsers) {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = ConfigTable.REQUEST_TIMEOUT.defaultValue();

    /** Checks each value against its key in {@link ConfigTable}. */
    public ListenerConfig {
        ConfigTable.HOST.check(host);
        ConfigTable.PORT.check(port);
        ConfigTable.MAX_HEADER_BYTES.check(maxHeaderBytes);
        ConfigTable.MAX_BODY_BYTES.check(maxBodyBytes);
        allowedHosts = ConfigTable.ALLOWED_HOSTS.check(allowedHosts).stream().map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        allowedOrigins = ConfigTable.ALLOWED_ORIGINS.check(allowedOrigins).stream()
                .map(o -> o.toLowerCase(Locale.ROOT)).toList();
        ConfigTable.REQUEST_TIMEOUT.check(requestTimeout);
    }

    /** A listener serving only its own user. */
    public ListenerConfig(String host, int port, int maxHeaderBytes, int maxBodyBytes, List<String> allowedHosts,
            List<String> allowedOrigins, Duration requestTimeout) {
        this(host, port, maxHeaderBytes, maxBodyBytes, allowedHosts, allowedOrigins, requestTimeout, false);
    }

    /** A listener with no extra hosts or origins, the default request timeout, serving only its own user. */
    public ListenerConfig(String host, int port, int maxHeaderBytes, int maxBodyBytes) {
        this(host, port, maxHeaderBytes, maxBodyBytes, List.of(), List.of(), DEFAULT_REQUEST_TIMEOUT);
    }
}
