package dev.interpose.config;

import java.util.Objects;

/**
 * Where the proxy listens and the limits it puts on what clients send.
 *
 * @param host            interface to bind, {@code 127.0.0.1} by default
 * @param port            TCP port, 0 picks a free one
 * @param maxHeaderBytes  total size of the request headers before a 431 answer
 * @param maxBodyBytes    size of a request body before a 413 answer
 */
public record ListenerConfig(String host, int port, int maxHeaderBytes, int maxBodyBytes) {
    public ListenerConfig {
        Objects.requireNonNull(host, "host");
    }
}
