package dev.interpose.proxy.request;

import dev.interpose.config.InterposeConfig;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.SlashCommands;
import dev.interpose.proxy.route.Router;
import java.util.concurrent.Executor;

/**
 * The configuration a request keeps from its arrival to its end, as its stages read it (the server's
 * configuration snapshot implements it). Immutable.
 */
public interface RequestSettings {
    InterposeConfig config();

    Router router();

    ExchangeContext exchanges();

    Hooks hooks();

    SlashCommands commands();

    /** Where work too slow for the event loop runs (the cache key of a large body, the agents API). */
    default Executor offLoop() {
        return commands().agents().executor();
    }
}
