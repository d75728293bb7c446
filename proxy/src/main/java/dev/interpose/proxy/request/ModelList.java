package dev.interpose.proxy.request;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ModelAlias;
import dev.interpose.config.RouteConfig;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.route.Router;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/models} answered by the proxy when the config names models the upstreams would not list: a model
 * alias's name (when it has no wildcard) and model, a route's {@code rewrite-model} and its {@code model} (when it
 * has no wildcard), then the full ids {@code model-names} gives the client's family ({@code sonnet}...). So Claude
 * Code's model discovery and Codex's model list show them. In the client's shape: Anthropic's list for a client
 * that sends {@code x-api-key} or {@code anthropic-version}, paged as Anthropic pages it ({@link ModelPage}), OpenAI's
 * otherwise (never paged); {@code GET /v1/models/{id}} answers one of them, or a 404 in the client's dialect for an
 * id it does not list. Without aliases or such routes,
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

    /** Whether the proxy answers this request itself: the list, or one model of it ({@code /v1/models/{id}}). */
    static boolean answersHere(InterposeConfig config, FullHttpRequest request, String path) {
        return (path.equals(PATH) || path.startsWith(PATH + "/") && path.indexOf('/', PATH.length() + 1) < 0)
                && request.method().equals(HttpMethod.GET) && !configured(config).isEmpty();
    }

    /**
     * Answers the list (a page of it for an Anthropic client) or one model, in the client's shape, or a 404 or 400
     * in its dialect; releases the request and records it in the access log.
     */
    static void answer(RequestSettings now, ClientSide client, FullHttpRequest request, Arrival arrival) {
        boolean anthropic = Router.guessDialect(request.headers()) == Dialect.ANTHROPIC;
        Map<String, String> models = listed(now.config(), anthropic);
        ApiDialect errors = ApiDialect.errorsOf(anthropic ? Dialect.ANTHROPIC : Dialect.OPENAI);
        ObjectNode body;
        if (arrival.path().equals(PATH)) {
            ModelPage page = anthropic ? ModelPage.of(new ArrayList<>(models.keySet()), arrival.uri()) : null;
            if (page != null && page.problem() != null) {
                client.answerError(request, errors, ErrorKind.BAD_REQUEST, page.problem(), arrival);
                return;
            }
            body = anthropic ? anthropicList(page) : openaiList(models);
        } else {
            String id = QueryStringDecoder.decodeComponent(arrival.path().substring(PATH.length() + 1));
            if (!models.containsKey(id)) {
                client.answerError(request, errors, ErrorKind.NOT_FOUND, "model: " + id + " (this proxy lists: "
                        + String.join(", ", models.keySet()) + ")", arrival);
                return;
            }
            body = anthropic ? anthropicModel(id) : openaiModel(id, models.get(id));
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HookHandoff.localRecord(now.exchanges(), arrival.requestId(), request.headers(), "GET", arrival.path(), 200,
                request.content().readableBytes(), bytes.length, arrival.startNanos());
        request.release();
        client.write(ProxyResponses.complete(HttpResponseStatus.OK, bytes, HttpHeaderValues.APPLICATION_JSON,
                arrival.requestId(), arrival.keepAlive()), arrival.keepAlive());
    }

    /** The configured models, then the full ids {@code model-names} gives the client's family, each with its owner. */
    private static Map<String, String> listed(InterposeConfig config, boolean anthropic) {
        Map<String, String> models = configured(config);
        for (String id : (anthropic ? config.modelNames().anthropic() : config.modelNames().openai()).values()) {
            models.putIfAbsent(id, anthropic ? "anthropic" : "openai");
        }
        return models;
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

    private static ObjectNode anthropicModel(String id) {
        return JSON.createObjectNode().put("type", "model").put("id", id).put("display_name", id)
                .put("created_at", CREATED_AT);
    }

    private static ObjectNode openaiModel(String id, String owner) {
        return JSON.createObjectNode().put("id", id).put("object", "model").put("created", CREATED)
                .put("owned_by", owner);
    }

    private static ObjectNode anthropicList(ModelPage page) {
        ObjectNode list = JSON.createObjectNode();
        ArrayNode data = list.putArray("data");
        page.ids().forEach(id -> data.add(anthropicModel(id)));
        List<String> ids = page.ids();
        return list.put("has_more", page.hasMore()).put("first_id", ids.isEmpty() ? null : ids.get(0))
                .put("last_id", ids.isEmpty() ? null : ids.get(ids.size() - 1));
    }

    private static ObjectNode openaiList(Map<String, String> models) {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        models.forEach((id, owner) -> data.add(openaiModel(id, owner)));
        return list;
    }
}
