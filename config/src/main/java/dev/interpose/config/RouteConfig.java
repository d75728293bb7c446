package dev.interpose.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A route of the config file: requests that match every condition it sets go to its upstream, before the
 * built-in routing table is consulted. Routes are tried in file order; the first match wins.
 *
 * @param name         a label for logs and metrics ({@code routes[0]} when none was given)
 * @param path         a {@link Glob} on the request path (query excluded)
 * @param dialect      only requests in this dialect, if set ({@code openai} takes both OpenAI APIs)
 * @param model        a {@link Glob} the request's model must match, if set; a request without a model
 *                     never matches a route that sets one
 * @param upstream     the name of the upstream to forward to
 * @param rewriteModel the model name sent upstream instead of the client's, if set
 */
public record RouteConfig(
        String name,
        Glob path,
        Optional<Dialect> dialect,
        Optional<Glob> model,
        String upstream,
        Optional<String> rewriteModel) {

    /** Checks each value against its key in {@link ConfigTable}. */
    public RouteConfig {
        ConfigTable.ROUTE_NAME.check(name);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(upstream, "upstream");
        rewriteModel.ifPresent(ConfigTable.ROUTE_REWRITE_MODEL::check);
    }

    /**
     * Whether a request with this path, dialect and model (null when unknown) takes this route. The request's
     * dialect is its API when the path is a model call ({@code openai-chat} for {@code /v1/chat/completions}),
     * else its family.
     */
    public boolean matches(String requestPath, Dialect requestDialect, String requestModel) {
        return path.matches(requestPath)
                && (dialect.isEmpty() || dialect.get().includes(requestDialect))
                && (model.isEmpty() || (requestModel != null && model.get().matches(requestModel)));
    }
}
