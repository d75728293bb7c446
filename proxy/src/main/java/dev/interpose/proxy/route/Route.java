package dev.interpose.proxy.route;

import dev.interpose.config.Dialect;
import dev.interpose.config.UpstreamConfig;

/**
 * Where a request goes.
 *
 * @param name         low-cardinality route name for logs and metrics, such as {@code anthropic.messages}
 * @param upstream     the upstream it is forwarded to
 * @param dialect      the dialect of the client, for errors the proxy writes itself
 * @param rewriteModel the model name to send upstream instead of the client's, or null to send it as is
 */
public record Route(String name, UpstreamConfig upstream, Dialect dialect, String rewriteModel) {

    public Route(String name, UpstreamConfig upstream, Dialect dialect) {
        this(name, upstream, dialect, null);
    }

    /** The same route sending {@code model} upstream instead of the client's. */
    public Route rewriting(String model) {
        return new Route(name, upstream, dialect, model);
    }
}
