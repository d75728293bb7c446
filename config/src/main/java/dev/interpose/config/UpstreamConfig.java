package dev.interpose.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream API the proxy forwards to.
 *
 * @param name            the name routes refer to ({@code anthropic}, {@code openai}, {@code chatgpt} or one the config file defines)
 * @param url             base URL; the client's path and query are appended to its path
 * @param dialect         the API it speaks: {@code anthropic}, {@code openai-responses}, {@code openai-chat}, or
 *                        {@code openai} (whichever OpenAI API the client speaks)
 * @param connectTimeout  TCP (and CONNECT proxy) connect timeout
 * @param headTimeout     from the request written to the response head; generous, models think for minutes
 * @param idleTimeout     longest silence between two chunks of a response body
 * @param maxIdleConnections idle keep-alive connections kept per event loop
 * @param proxy           the HTTP {@code CONNECT} proxy this upstream is reached through, if any
 * @param tls             TLS options, used when the URL is https
 * @param breaker         its circuit breaker
 * @param retry           when and how often a failed request is sent again
 * @param bulkhead        how many requests may be in flight to it at once
 * @param fallback        upstreams (of the same dialect) tried in order when its breaker is open or its
 *                        retries are spent
 * @param apiKey          its own credential, sent instead of the client's, if configured
 * @param headers         headers added to and removed from what it is sent
 * @param translation     the output limits of a request translated for it
 */
public record UpstreamConfig(
        String name,
        URI url,
        Dialect dialect,
        Duration connectTimeout,
        Duration headTimeout,
        Duration idleTimeout,
        int maxIdleConnections,
        Optional<URI> proxy,
        TlsConfig tls,
        BreakerConfig breaker,
        RetryConfig retry,
        BulkheadConfig bulkhead,
        java.util.List<String> fallback,
        Optional<ApiKey> apiKey,
        HeadersConfig headers,
        TranslationConfig translation) {

    /** An upstream with the default translation limits. */
    public UpstreamConfig(String name, URI url, Dialect dialect, Duration connectTimeout, Duration headTimeout,
            Duration idleTimeout, int maxIdleConnections, Optional<URI> proxy, TlsConfig tls, BreakerConfig breaker,
            RetryConfig retry, BulkheadConfig bulkhead, java.util.List<String> fallback, Optional<ApiKey> apiKey,
            HeadersConfig headers) {
        this(name, url, dialect, connectTimeout, headTimeout, idleTimeout, maxIdleConnections, proxy, tls, breaker,
                retry, bulkhead, fallback, apiKey, headers, TranslationConfig.DEFAULT);
    }

    /** An upstream without a key of its own or header edits. */
    public UpstreamConfig(String name, URI url, Dialect dialect, Duration connectTimeout, Duration headTimeout,
            Duration idleTimeout, int maxIdleConnections, Optional<URI> proxy, TlsConfig tls, BreakerConfig breaker,
            RetryConfig retry, BulkheadConfig bulkhead, java.util.List<String> fallback) {
        this(name, url, dialect, connectTimeout, headTimeout, idleTimeout, maxIdleConnections, proxy, tls, breaker,
                retry, bulkhead, fallback, Optional.empty(), HeadersConfig.NONE);
    }

    /** An upstream with the default circuit breaker. */
    public UpstreamConfig(String name, URI url, Dialect dialect, Duration connectTimeout, Duration headTimeout,
            Duration idleTimeout, int maxIdleConnections, Optional<URI> proxy, TlsConfig tls) {
        this(name, url, dialect, connectTimeout, headTimeout, idleTimeout, maxIdleConnections, proxy, tls,
                BreakerConfig.DEFAULT, RetryConfig.DEFAULT, BulkheadConfig.DEFAULT, java.util.List.of());
    }

    /** Checks each value against its key in {@link ConfigTable}. */
    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        if (!ConfigTable.UPSTREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("upstreams." + name + ": not a valid upstream name (expected: lowercase"
                    + " letters, digits, - and _, starting with a letter or digit)");
        }
        ConfigTable.URL.check(name, url);
        ConfigTable.DIALECT.check(name, dialect);
        ConfigTable.CONNECT_TIMEOUT.check(name, connectTimeout);
        ConfigTable.HEAD_TIMEOUT.check(name, headTimeout);
        ConfigTable.IDLE_TIMEOUT.check(name, idleTimeout);
        ConfigTable.MAX_IDLE_CONNECTIONS.check(name, maxIdleConnections);
        proxy.ifPresent(p -> {
            if (ValueType.httpUrl().problem(p) != null) {
                throw ConfigTable.PROXY.invalid(name, p.toString(), ValueType.URL_EXPECTED);
            }
        });
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(bulkhead, "bulkhead");
        fallback = java.util.List.copyOf(fallback);
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(translation, "translation");
    }

    /** True when the upstream is reached over TLS. */
    public boolean secure() {
        return "https".equalsIgnoreCase(url.getScheme());
    }

    /** The port to connect to, the scheme's default when the URL names none. */
    public int port() {
        return url.getPort() != -1 ? url.getPort() : secure() ? 443 : 80;
    }

    /** The URL's path without a trailing slash, prefixed to every forwarded path ("" for none). */
    public String basePath() {
        String path = url.getRawPath();
        if (path == null || path.equals("/")) {
            return "";
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The value of the {@code Host} header sent upstream. */
    public String hostHeader() {
        int port = url.getPort();
        return port == -1 ? url.getHost() : url.getHost() + ":" + port;
    }
}
