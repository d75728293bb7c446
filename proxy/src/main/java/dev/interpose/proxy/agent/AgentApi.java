package dev.interpose.proxy.agent;

import dev.interpose.proxy.dialect.ApiDialect;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /interpose/agents/run} with {@code {"agents": ["a", "b"], "prompt": "..."}} (optionally
 * {@code "model"}, {@code "tools"} (definitions in the dialect's shape, filtered per agent), and {@code "dialect"}: {@code anthropic}, {@code openai} for the Responses API, or
 * {@code chat}; by default Anthropic when the request carries {@code x-api-key} or {@code anthropic-version},
 * else the Responses API): runs the agents with the request's credentials and answers JSON with each
 * agent's answer, status, duration and usage, in the order asked. For scripts and hooks.
 */
public final class AgentApi {
    public static final String PATH = "/interpose/agents/run";
    /** The largest body a run takes (a larger one is answered 413 before it is read). */
    public static final int MAX_BODY_BYTES = dev.interpose.proxy.body.Limits.AGENT_REQUEST_BYTES;
    /** The most agents one run may name (each is an upstream call). */
    public static final int MAX_AGENTS = 16;
    /** The most runs one client address may have in flight at once (another is answered 429). */
    public static final int MAX_RUNS_PER_PEER = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentApi() {
    }

    /** The status and JSON body of the answer. */
    public record Answer(int status, byte[] body) {
    }

    /** Runs the request; never completes exceptionally. {@code cancel} completes when the client went away. */
    public static CompletableFuture<Answer> run(AgentRunner runner, byte[] body, Map<String, String> credentials,
            String requestId, CompletableFuture<?> cancel) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return done(error(400, "the body is not JSON: " + e.getMessage()));
        }
        List<String> agents = new ArrayList<>();
        for (JsonNode name : request.path("agents")) {
            if (name.isTextual()) {
                agents.add(name.asText());
            }
        }
        if (request.path("agents").size() > MAX_AGENTS) {
            return done(error(400, "at most " + MAX_AGENTS + " agents per run; this one names "
                    + request.path("agents").size()));
        }
        if (agents.isEmpty() || !request.path("prompt").isTextual() || request.path("prompt").asText().isBlank()) {
            return done(error(400, "expected {\"agents\": [\"name\", ...], \"prompt\": \"...\"} (optional: model, "
                    + "dialect anthropic|openai|chat); agents available: " + String.join(", ", runner.agents().keySet())));
        }
        String dialect = request.path("dialect").asText(credentials.containsKey("x-api-key")
                || credentials.containsKey("anthropic-version") ? "anthropic" : "openai");
        ApiDialect api = switch (dialect) {
            case "anthropic" -> ApiDialect.MESSAGES;
            case "openai" -> ApiDialect.RESPONSES;
            case "chat" -> ApiDialect.CHAT;
            default -> null;
        };
        if (api == null) {
            return done(error(400, "dialect: \"" + dialect + "\" (expected anthropic, openai or chat)"));
        }
        String model = request.path("model").isTextual() ? request.path("model").asText() : null;
        long start = System.nanoTime();
        AgentRunner.Trigger trigger = new AgentRunner.Trigger(api, api.path(), credentials, model, requestId,
                request.path("tools").isArray() ? request.get("tools") : null);
        return runner.run(agents, request.path("prompt").asText(), trigger, cancel).thenApply(results -> {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode list = out.putArray("results");
            for (AgentRunner.Result r : results) {
                ObjectNode item = list.addObject().put("agent", r.agent()).put("status", r.status())
                        .put("answer", r.answer()).put("duration_ms", r.durationMs());
                item.set("usage", r.usage());
            }
            out.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
            return new Answer(200, out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    private static CompletableFuture<Answer> done(Answer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    private static Answer error(int status, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("error").put("type", "invalid_request_error").put("message", message);
        return new Answer(status, out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
