package dev.interpose.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How subagents run.
 *
 * @param maxConcurrent agent calls in flight at once, proxy-wide; more wait in a queue
 * @param timeout       how long one agent call may take
 * @param deadline      how long all the agents of one trigger may take together
 * @param maxTokens     {@code max_tokens} of an agent call (Anthropic requires one)
 */
public record AgentsConfig(int maxConcurrent, Duration timeout, Duration deadline, int maxTokens) {
    public static final AgentsConfig DEFAULT = new AgentsConfig(8, Duration.ofSeconds(120), Duration.ofSeconds(240),
            8192);

    public AgentsConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(deadline, "deadline");
    }
}
