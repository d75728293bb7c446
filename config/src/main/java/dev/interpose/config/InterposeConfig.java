package dev.interpose.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole effective configuration of one running proxy.
 *
 * @param listener       where to listen and request limits
 * @param upstreams      upstreams by name, in a stable order
 * @param upstreamProxy  an HTTP {@code CONNECT} proxy for the upstream leg, if any
 * @param drainTimeout   how long in-flight exchanges may finish after SIGTERM
 * @param logFormat      JSON lines or human text
 */
public record InterposeConfig(
        ListenerConfig listener,
        Map<String, UpstreamConfig> upstreams,
        Optional<URI> upstreamProxy,
        Duration drainTimeout,
        LogFormat logFormat) {

    public InterposeConfig {
        Objects.requireNonNull(listener, "listener");
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        Objects.requireNonNull(upstreamProxy, "upstreamProxy");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(logFormat, "logFormat");
    }

    /** The upstream of that name; the loader guarantees the three built-in names exist. */
    public UpstreamConfig upstream(String name) {
        UpstreamConfig upstream = upstreams.get(name);
        if (upstream == null) {
            throw new IllegalArgumentException("no upstream named " + name);
        }
        return upstream;
    }
}
