package dev.interpose.proxy.hook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The slash-command meter, {@code interpose_command_expansions_total{command,outcome}}: built once per command
 * and outcome, then only incremented, so that no builder runs on a request's path. Thread-safe.
 */
final class CommandMeters {
    private record Key(String command, String outcome) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Counter> expansions = new ConcurrentHashMap<>();

    CommandMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void expanded(String command, String outcome) {
        expansions.computeIfAbsent(new Key(command, outcome), k -> Counter.builder("interpose.command.expansions")
                .tag("command", k.command()).tag("outcome", k.outcome()).register(registry)).increment();
    }
}
