package dev.interpose.proxy.route;

import dev.interpose.config.Dialect;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ModelAlias;
import dev.interpose.config.ModelNames;
import dev.interpose.config.RouteConfig;
import dev.interpose.proxy.dialect.ApiDialect;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a request to a {@link Route}. The config file's model aliases come first ({@link ModelAlias}: one that
 * names an upstream decides the route; one that does not replaces the model the routes then see); then its
 * routes, in order (path pattern, dialect and model pattern; see {@link RouteConfig}); then the built-in rule,
 * documented in docs/request-path.md:
 * <ol>
 *   <li>{@code /v1/messages} and {@code /v1/complete} (and below) are Anthropic's;</li>
 *   <li>{@code /v1/responses}, {@code /v1/chat/...} and the other OpenAI-only families are OpenAI's;</li>
 *   <li>{@code /backend-api/codex/...} goes to the ChatGPT upstream (Codex logged in with ChatGPT);</li>
 *   <li>any other {@code /v1/...} path that both vendors serve ({@code /v1/models}, {@code /v1/files},
 *       {@code /v1/batches}) is Anthropic's when the request carries {@code anthropic-version} or
 *       {@code x-api-key}, OpenAI's otherwise;</li>
 *   <li>anything else is not routed (404 in the dialect the headers suggest).</li>
 * </ol>
 * A short model name ({@code sonnet}, see {@link ModelNames}) that no alias or route rewrote becomes the full id
 * of its route's upstream's family. Immutable and thread-safe.
 */
public final class Router {
    private static final List<String> OPENAI_ONLY = List.of(
            "/v1/responses", "/v1/chat/", "/v1/completions", "/v1/embeddings", "/v1/audio/", "/v1/images/",
            "/v1/moderations", "/v1/realtime", "/v1/assistants", "/v1/threads", "/v1/vector_stores",
            "/v1/fine_tuning/", "/v1/uploads", "/v1/conversations", "/v1/containers", "/v1/evals");

    private final Route messages;
    private final Route countTokens;
    private final Route anthropicOther;
    private final Route responses;
    private final Route chat;
    private final Route openaiOther;
    private final Route codex;
    private final List<Custom> custom = new ArrayList<>();
    private final List<Alias> aliases = new ArrayList<>();
    private final ModelNames names;
    private final java.util.Set<String> builtInNames;

    public Router(InterposeConfig config) {
        for (RouteConfig route : config.routes()) {
            custom.add(new Custom(route, config));
        }
        for (int i = 0; i < config.modelAliases().size(); i++) {
            aliases.add(new Alias("model-aliases[" + i + "]", config.modelAliases().get(i), config));
        }
        names = config.modelNames();
        var anthropic = config.upstream("anthropic");
        var openai = config.upstream("openai");
        messages = new Route("anthropic.messages", anthropic, Dialect.ANTHROPIC);
        countTokens = new Route("anthropic.count_tokens", anthropic, Dialect.ANTHROPIC);
        anthropicOther = new Route("anthropic.other", anthropic, Dialect.ANTHROPIC);
        responses = new Route("openai.responses", openai, Dialect.OPENAI);
        chat = new Route("openai.chat", openai, Dialect.OPENAI);
        openaiOther = new Route("openai.other", openai, Dialect.OPENAI);
        codex = new Route("chatgpt.codex", config.upstream("chatgpt"), Dialect.OPENAI);
        builtInNames = java.util.Set.of(messages.name(), countTokens.name(), anthropicOther.name(), responses.name(),
                chat.name(), openaiOther.name(), codex.name());
    }

    /**
     * The route of a subagent's own call: as {@link #route}, except that a model of the other vendor's family
     * ({@link ModelNames#family}: a Claude id in a Codex-triggered call, a GPT id in a Claude Code-triggered one)
     * that no alias or route placed goes to that vendor's built-in upstream ({@code anthropic} or {@code openai}),
     * in the client's dialect, so the call is translated there. A user's request is never moved so: its client
     * chose the API, while an agent file's {@code model} names the model wherever it lives.
     */
    public Route agentRoute(String path, HttpHeaders headers, String model) {
        Route to = route(path, headers, model);
        if (to == null || model == null || !builtInNames.contains(to.name())) {
            return to;
        }
        Dialect family = names.family(to.rewriteModel() != null ? to.rewriteModel() : model);
        if (family == null || family == to.upstream().dialect().family() || ApiDialect.forPath(path) == null) {
            return to;
        }
        Route home = family == Dialect.ANTHROPIC ? messages : responses; // the built-in upstream of that vendor
        return new Route("agents." + home.upstream().name(), home.upstream(), to.dialect());
    }

    /**
     * The route for a request path (query excluded) and model (null when unknown), or null when the proxy
     * does not forward it.
     */
    public Route route(String path, HttpHeaders headers, String model) {
        Route builtIn = builtIn(path, headers);
        Dialect dialect = builtIn != null ? builtIn.dialect() : guessDialect(headers);
        if (model != null && builtIn != null && !aliases.isEmpty()) {
            String fullId = names.resolve(model, Dialect.ANTHROPIC);
            for (Alias a : aliases) {
                if (a.config.matches(model, fullId)) {
                    if (a.anthropic != null) {
                        return dialect == Dialect.ANTHROPIC ? a.anthropic : a.openai;
                    }
                    Route to = byRoutes(path, dialect, builtIn, a.config.model());
                    return to.rewriteModel() != null ? to : to.rewriting(a.config.model());
                }
            }
        }
        Route to = byRoutes(path, dialect, builtIn, model);
        if (to != null && to.rewriteModel() == null && model != null) {
            String full = names.resolve(model, to.upstream().dialect());
            if (full != null) {
                return to.rewriting(full);
            }
        }
        return to;
    }

    /** The config file's routes, then the built-in one (null when there is none). */
    private Route byRoutes(String path, Dialect dialect, Route builtIn, String model) {
        if (!custom.isEmpty()) {
            Dialect precise = precise(path, dialect);
            for (Custom c : custom) {
                if (c.config.matches(path, precise, model)) {
                    return dialect == Dialect.ANTHROPIC ? c.anthropic : c.openai;
                }
            }
        }
        return builtIn;
    }

    private Route builtIn(String path, HttpHeaders headers) {
        if (path.startsWith("/v1/")) {
            if (path.equals("/v1/messages")) {
                return messages;
            }
            if (path.equals("/v1/messages/count_tokens")) {
                return countTokens;
            }
            if (path.startsWith("/v1/messages/") || path.startsWith("/v1/complete")) {
                return anthropicOther;
            }
            if (path.equals("/v1/responses") || path.startsWith("/v1/responses/")) {
                return responses;
            }
            if (path.equals("/v1/chat/completions")) {
                return chat;
            }
            for (String prefix : OPENAI_ONLY) {
                if (path.startsWith(prefix)) {
                    return openaiOther;
                }
            }
            return looksAnthropic(headers) ? anthropicOther : openaiOther;
        }
        if (path.startsWith("/backend-api/codex/")) {
            return codex;
        }
        return null;
    }

    /** The request's API when it is a model call of its family ({@code openai-chat}), else the family. */
    private static Dialect precise(String path, Dialect family) {
        ApiDialect api = ApiDialect.forPath(path);
        return api != null && api.family() == family ? api.configDialect() : family;
    }

    /** The dialect to answer in when a request could not be routed: the one its headers suggest. */
    public static Dialect guessDialect(HttpHeaders headers) {
        return looksAnthropic(headers) ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    private static boolean looksAnthropic(HttpHeaders headers) {
        return headers.contains("anthropic-version") || headers.contains("x-api-key");
    }

    /** A model alias, with its {@link Route} for each dialect when it names an upstream (else both null). */
    private static final class Alias {
        final ModelAlias config;
        final Route anthropic;
        final Route openai;

        Alias(String name, ModelAlias config, InterposeConfig all) {
            this.config = config;
            var upstream = config.upstream().map(all::upstream).orElse(null);
            anthropic = upstream == null ? null : new Route(name, upstream, Dialect.ANTHROPIC, config.model());
            openai = upstream == null ? null : new Route(name, upstream, Dialect.OPENAI, config.model());
        }
    }

    /** A configured route, with its {@link Route} for each dialect a request may come in. */
    private static final class Custom {
        final RouteConfig config;
        final Route anthropic;
        final Route openai;

        Custom(RouteConfig config, InterposeConfig all) {
            this.config = config;
            var upstream = all.upstream(config.upstream());
            String rewrite = config.rewriteModel().orElse(null);
            anthropic = new Route(config.name(), upstream, Dialect.ANTHROPIC, rewrite);
            openai = new Route(config.name(), upstream, Dialect.OPENAI, rewrite);
        }
    }
}
