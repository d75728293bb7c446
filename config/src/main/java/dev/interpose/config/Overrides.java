package dev.interpose.config;

import java.util.Map;
import java.util.Optional;

/**
 * Values given on the command line, each overriding the environment and the defaults. Raw strings, so
 * that the loader validates them all in one place with the same messages as any other source.
 */
public record Overrides(
        Optional<String> host,
        Optional<Integer> port,
        Map<String, String> upstreamUrls,
        Optional<String> upstreamProxy,
        Optional<String> connectTimeout,
        Optional<String> headTimeout,
        Optional<String> idleTimeout,
        Optional<String> drainTimeout,
        Optional<String> logFormat) {

    public Overrides {
        upstreamUrls = Map.copyOf(upstreamUrls);
    }

    /** No overrides at all: built-in defaults and environment only. */
    public static Overrides none() {
        return new Overrides(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
