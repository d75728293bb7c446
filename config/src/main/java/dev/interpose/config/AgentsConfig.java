package dev.interpose.config;

import java.time.Duration;

/**
 * How subagents run.
 *
 * @param maxConcurrent agent calls in flight at once, proxy-wide; more wait in a queue
 * @param timeout       how long one agent call may take
 * @param deadline      how long all the agents of one trigger may take together
 * @param maxTokens     {@code max_tokens} of an agent call (Anthropic requires one)
 */
public record AgentsConfig(int maxConcurrent, Duration timeout, Duration deadline, int maxTokens) {
    public static final AgentsConfig DEFAULT = new AgentsConfig(ConfigTable.AGENTS_CONCURRENT.defaultValue(),
            ConfigTable.AGENTS_TIMEOUT.defaultValue(), ConfigTable.AGENTS_DEADLINE.defaultValue(),
            ConfigTable.AGENTS_MAX_TOKENS.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}. */
    public AgentsConfig {
        ConfigTable.AGENTS_CONCURRENT.check(maxConcurrent);
        ConfigTable.AGENTS_TIMEOUT.check(timeout);
        ConfigTable.AGENTS_DEADLINE.check(deadline);
        ConfigTable.AGENTS_MAX_TOKENS.check(maxTokens);
    }
}
