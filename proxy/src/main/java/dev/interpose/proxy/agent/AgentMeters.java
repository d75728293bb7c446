package dev.interpose.proxy.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subagent meter, {@code interpose_agent_duration_seconds{agent,status}}: built once per agent and status,
 * then only recorded, so that no builder runs when an agent's call ends. Thread-safe.
 */
final class AgentMeters {
    private record Key(String agent, String status) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Timer> durations = new ConcurrentHashMap<>();

    AgentMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void finished(String agent, String status, Duration took) {
        durations.computeIfAbsent(new Key(agent, status), k -> Timer.builder("interpose.agent.duration")
                .tag("agent", k.agent()).tag("status", k.status()).register(registry)).record(took);
    }
}
