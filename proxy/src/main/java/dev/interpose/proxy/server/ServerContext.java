package dev.interpose.proxy.server;

import dev.interpose.config.InterposeConfig;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.route.Router;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What every client connection shares: configuration, routing, the exchange services, the metrics
 * registry, and whether the server is draining. Thread-safe; only {@link #draining} changes, once.
 */
final class ServerContext {
    private final InterposeConfig config;
    private final Router router;
    private final ExchangeContext exchanges;
    private final PrometheusMeterRegistry registry;
    private volatile boolean draining;

    ServerContext(InterposeConfig config, ExchangeContext exchanges, PrometheusMeterRegistry registry) {
        this.config = config;
        this.router = new Router(config);
        this.exchanges = exchanges;
        this.registry = registry;
    }

    InterposeConfig config() {
        return config;
    }

    Router router() {
        return router;
    }

    ExchangeContext exchanges() {
        return exchanges;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
