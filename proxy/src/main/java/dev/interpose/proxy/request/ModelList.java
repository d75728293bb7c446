package dev.interpose.proxy.request;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ModelAlias;
import dev.interpose.config.RouteConfig;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.route.Router;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/models} answered by the proxy when the config names models the upstreams would not list: a model
 * alias's name (when it has no wildcard) and model, a route's {@code rewrite-model} and its {@code model} (when it
 * has no wildcard), then the full ids {@code model-names} gives the client's family ({@code sonnet}...). So Claude
 * Code's model discovery and Codex's model list show them. In the client's shape: Anthropic's list for a client
 * that sends {@code x-api-key} or {@code anthropic-version}, OpenAI's otherwise. Without aliases or such routes,
 * {@code /v1/models} is forwarded as before. On the event loop; the list is a few dozen entries at most.
 */
final class ModelList {
    static final String PATH = "/v1/models";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The {@code created} of every listed model: they have no date of their own here. */
    private static final long CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z
    private static final String CREATED_AT = "2025-01-01T00:00:00Z";

    private ModelList() {
    }

    /** Whether the proxy answers this request itself. */
    static boolean answersHere(InterposeConfig config, FullHttpRequest request, String path) {
        return path.equals(PATH) && request.method().equals(HttpMethod.GET) && !configured(config).isEmpty();
    }

    /** The list in the client's shape; releases the request and records it in the access log. */
    static FullHttpResponse answer(RequestSettings now, FullHttpRequest request, Arrival arrival) {
        try {
            Map<String, String> models = configured(now.config());
            boolean anthropic = Router.guessDialect(request.headers()) == Dialect.ANTHROPIC;
            String family = anthropic ? "anthropic" : "openai";
            for (String id : (anthropic ? now.config().modelNames().anthropic()
                    : now.config().modelNames().openai()).values()) {
                models.putIfAbsent(id, family);
            }
            byte[] body = (anthropic ? anthropicList(models) : openaiList(models)).toString()
                    .getBytes(StandardCharsets.UTF_8);
            HookHandoff.localRecord(now.exchanges(), arrival.requestId(), request.headers(), "GET", arrival.path(), 200,
                    request.content().readableBytes(), body.length, arrival.startNanos());
            return ProxyResponses.complete(HttpResponseStatus.OK, body, HttpHeaderValues.APPLICATION_JSON,
                    arrival.requestId(), arrival.keepAlive());
        } finally {
            request.release();
        }
    }

    /** The models the config names, each with the upstream it goes to ({@code interpose} when the routes decide). */
    static Map<String, String> configured(InterposeConfig config) {
        Map<String, String> models = new LinkedHashMap<>();
        for (ModelAlias alias : config.modelAliases()) {
            String upstream = alias.upstream().orElse("interpose");
            if (alias.literalName() != null) {
                models.putIfAbsent(alias.literalName(), upstream);
            }
            models.putIfAbsent(alias.model(), upstream);
        }
        for (RouteConfig route : config.routes()) {
            route.model().map(Object::toString).filter(m -> m.indexOf('*') < 0 && m.indexOf('?') < 0)
                    .ifPresent(m -> models.putIfAbsent(m, route.upstream()));
            route.rewriteModel().ifPresent(m -> models.putIfAbsent(m, route.upstream()));
        }
        return models;
    }

    private static ObjectNode anthropicList(Map<String, String> models) {
        ObjectNode list = JSON.createObjectNode();
        ArrayNode data = list.putArray("data");
        models.keySet().forEach(id -> data.addObject().put("type", "model").put("id", id).put("display_name", id)
                .put("created_at", CREATED_AT));
        list.put("has_more", false);
        String first = models.isEmpty() ? null : models.keySet().iterator().next();
        String last = null;
        for (String id : models.keySet()) {
            last = id;
        }
        list.put("first_id", first).put("last_id", last);
        return list;
    }

    private static ObjectNode openaiList(Map<String, String> models) {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        models.forEach((id, owner) -> data.addObject().put("id", id).put("object", "model").put("created", CREATED)
                .put("owned_by", owner));
        return list;
    }
}
