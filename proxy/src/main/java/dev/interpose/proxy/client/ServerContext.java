package dev.interpose.proxy.client;

import dev.interpose.config.Extension;
import dev.interpose.config.InterposeConfig;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.SlashCommands;
import dev.interpose.proxy.request.PeerSlots;
import dev.interpose.proxy.request.RequestSettings;
import dev.interpose.proxy.route.Router;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * What every client connection shares: the current configuration {@link Snapshot}, the metrics registry,
 * and whether the server is draining. A reload swaps the snapshot; each request takes the snapshot once,
 * when it arrives, and keeps it to the end, so requests in flight finish with the configuration they
 * started with. Thread-safe.
 */
public final class ServerContext {

    /**
     * One configuration and everything built from it, with the extensions found in the folders at the same
     * time. Immutable.
     */
    public record Snapshot(InterposeConfig config, Router router, ExchangeContext exchanges, List<Extension> extensions,
            Hooks hooks, SlashCommands commands) implements RequestSettings {
        public Snapshot(InterposeConfig config, ExchangeContext exchanges, List<Extension> extensions, Hooks hooks,
                SlashCommands commands) {
            this(config, new Router(config), exchanges, List.copyOf(extensions), hooks, commands);
        }
    }

    private final PrometheusMeterRegistry registry;
    private volatile Snapshot snapshot;
    private volatile boolean draining;
    /** Requests from arrival to outcome, whatever stage they are in: what a drain waits for. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** Runs of the agents API in flight, by client address, across reloads. */
    private final PeerSlots agentRuns = new PeerSlots(dev.interpose.proxy.agent.AgentApi.MAX_RUNS_PER_PEER);

    public ServerContext(Snapshot first, PrometheusMeterRegistry registry) {
        this.snapshot = first;
        this.registry = registry;
    }

    /** The configuration new requests use. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Makes {@code next} the configuration of new requests; returns the one it replaces. */
    public Snapshot swap(Snapshot next) {
        Snapshot previous = snapshot;
        snapshot = next;
        return previous;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    PeerSlots agentRuns() {
        return agentRuns;
    }

    /** A request arrived (taken off its connection's queue); pair with {@link #left}. */
    void arrived() {
        inFlight.incrementAndGet();
    }

    /** A request has its outcome, or its client went away. */
    void left() {
        inFlight.decrementAndGet();
    }

    /** Requests between arrival and outcome now: in preparation, with their hooks or agents, or in an exchange. */
    public int inFlight() {
        return inFlight.get();
    }

    boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
