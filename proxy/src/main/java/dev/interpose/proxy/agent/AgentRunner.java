package dev.interpose.proxy.agent;

import dev.interpose.proxy.dialect.AnswerAssembler;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.AssembledResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.AgentDefinition;
import dev.interpose.config.AgentsConfig;
import dev.interpose.config.ModelNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs subagents: each one model call, in the dialect of the request that triggered it, with that
 * request's credentials, the agent's system prompt, the trigger's tools the agent may use ({@link AgentTools}),
 * and the agent's model or else (none, or {@code inherit}) the request's. The routing the call goes through
 * resolves a short name ({@code sonnet}) and sends the call to the upstream that serves its model
 * ({@link dev.interpose.proxy.route.Router#agentRoute}), translated there when it speaks another API. The
 * calls go back through this proxy ({@code POST} to its own listener, marked with a per-process token so
 * commands and hooks leave them alone), so they get the same upstream client, routing, timeouts and access
 * log as any call. They run in parallel under the proxy-wide {@link AgentLimiter}; each has
 * {@code agents.timeout}, all together {@code agents.deadline}. A failed, timed-out or unknown agent gives
 * a result with that status in its place; the others still count. Cancelling (the client went away)
 * cancels the calls in flight, which closes their connections and so stops the upstream calls.
 * Thread-safe; nothing here blocks.
 */
public final class AgentRunner {
    /** Marks an agent call coming back in; its value is {@link #token()}. */
    public static final String HEADER = "x-interpose-agent";
    private static final Logger LOG = LoggerFactory.getLogger("interpose.agents");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The request headers an agent call carries over from the request that triggered it. */
    public static final List<String> CARRIED = List.of("x-api-key", "authorization", "anthropic-version",
            "openai-organization", "openai-project", "chatgpt-account-id");

    private final Map<String, AgentDefinition> agents = new LinkedHashMap<>();
    private final AgentsConfig config;
    private final AgentLimiter limiter;
    private final HttpClient http;
    private final Supplier<URI> self;
    private final String token;
    private final AgentMeters meters;
    private final java.util.concurrent.Executor executor;

    /**
     * @param self  the base URL of this proxy's own listener (known once it is bound)
     * @param token the per-process value of {@link #HEADER}
     */
    public AgentRunner(List<AgentDefinition> definitions, AgentsConfig config, AgentLimiter limiter, HttpClient http,
            Supplier<URI> self, String token, MeterRegistry registry, java.util.concurrent.Executor executor) {
        this.executor = executor;
        for (AgentDefinition d : definitions) {
            agents.putIfAbsent(d.name(), d);
        }
        this.config = config;
        this.limiter = limiter;
        this.http = http;
        this.self = self;
        this.token = token;
        this.meters = new AgentMeters(registry);
    }

    public String token() {
        return token;
    }

    /** Where work around agent runs happens (parsing an API request): never an event loop. */
    public java.util.concurrent.Executor executor() {
        return executor;
    }

    /** The agents by name, in precedence order. */
    public Map<String, AgentDefinition> agents() {
        return java.util.Collections.unmodifiableMap(agents);
    }

    /**
     * What triggered the agents.
     *
     * @param api         the dialect and shape of the calls
     * @param path        the path the trigger was sent to ({@code /v1/messages}...)
     * @param headers     the trigger's request headers (the credentials are taken from them)
     * @param model       the trigger's model, for agents that name none; may be null
     * @param requestId   the trigger's request id, for the log
     * @param tools       the trigger's tool definitions, in its API's shape; null when it had none
     */
    public record Trigger(ApiDialect api, String path, Map<String, String> headers, String model, String requestId,
            JsonNode tools) {
    }

    /**
     * One agent's outcome.
     *
     * @param status {@code ok}, {@code error}, {@code timeout}, {@code cancelled} or {@code unknown}
     * @param answer the agent's answer, or what went wrong
     * @param usage  the usage the upstream reported, or null
     */
    public record Result(String agent, String status, String answer, long durationMs, JsonNode usage) {
        public boolean ok() {
            return status.equals("ok");
        }
    }

    /**
     * Runs the agents on the task; completes with one result per name, in the order given, never
     * exceptionally. Completing {@code cancel} cancels what is still running or waiting.
     */
    public CompletableFuture<List<Result>> run(List<String> names, String task, Trigger trigger,
            CompletableFuture<?> cancel) {
        List<CompletableFuture<Result>> calls = new ArrayList<>();
        for (String name : names) {
            AgentDefinition agent = agents.get(name);
            calls.add(agent == null
                    ? CompletableFuture.completedFuture(new Result(name, "unknown", "no agent named " + name
                            + (agents.isEmpty() ? " (no agent files are defined)"
                                    : " (known: " + String.join(", ", agents.keySet()) + ")"), 0, null))
                    : call(agent, task, trigger, cancel));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
        return all.completeOnTimeout(null, config.deadline().toMillis(), TimeUnit.MILLISECONDS).thenApply(v -> {
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                CompletableFuture<Result> call = calls.get(i);
                if (call.isDone()) {
                    results.add(call.join()); // completes normally unless cancelled here
                } else {
                    call.cancel(true);
                    results.add(new Result(names.get(i), "timeout", "the agents' deadline of "
                            + config.deadline().toMillis() + " ms passed first", config.deadline().toMillis(), null));
                }
            }
            return results;
        });
    }

    private CompletableFuture<Result> call(AgentDefinition agent, String task, Trigger trigger,
            CompletableFuture<?> cancel) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        String model = ModelNames.inherits(agent.model()) ? trigger.model() : agent.model().strip();
        HttpRequest request = request(agent, task, trigger, model);
        limiter.submit(() -> {
            if (result.isDone() || cancel.isDone()) {
                result.complete(new Result(agent.name(), "cancelled", "cancelled before it started", 0, null));
                return false; // the slot passes on
            }
            long start = System.nanoTime();
            try {
                CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request,
                        HttpResponse.BodyHandlers.ofByteArray()).orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                CompletableFuture<?> cancelling = cancel.thenRun(() -> sent.cancel(true));
                result.whenComplete((v, e) -> sent.cancel(true)); // the deadline gave up on it
                sent.whenComplete((response, error) -> {
                    cancelling.cancel(false); // no callback left behind on a connection that lives on
                    limiter.release();
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    try {
                        Result r = error != null ? failed(agent.name(), error, ms, cancel.isDone())
                                : answer(agent.name(), trigger.api(), response, ms);
                        log(trigger, agent.name(), model, r, response == null ? null
                                : response.headers().firstValue("x-request-id").orElse(null));
                        result.complete(r);
                    } catch (RuntimeException e) {
                        result.complete(new Result(agent.name(), "error", "reading the answer failed: " + e, ms, null));
                    }
                });
                return true;
            } catch (RuntimeException e) {
                result.complete(new Result(agent.name(), "error", "the call could not start: " + e, 0, null));
                return false;
            }
        });
        return result;
    }

    private HttpRequest request(AgentDefinition agent, String task, Trigger trigger, String model) {
        ObjectNode body = trigger.api().agentRequest(model, agent.systemPrompt(), task, config.maxTokens());
        JsonNode tools = AgentTools.offered(trigger.tools(), agent);
        if (tools != null) {
            body.set("tools", tools); // the same member in the three APIs
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(self.get().resolve(trigger.path()))
                .timeout(config.timeout())
                .header("content-type", "application/json")
                .header(HEADER, token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (Map.Entry<String, String> h : trigger.headers().entrySet()) {
            if (CARRIED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                builder.setHeader(h.getKey(), h.getValue());
            }
        }
        return builder.build();
    }

    private static Result answer(String agent, ApiDialect api, HttpResponse<byte[]> response, long ms) {
        byte[] body = response.body();
        if (response.statusCode() / 100 != 2) {
            String text = new String(body, 0, Math.min(body.length, 500), java.nio.charset.StandardCharsets.UTF_8);
            return new Result(agent, "error", "upstream answered " + response.statusCode() + ": " + text, ms, null);
        }
        AnswerAssembler assembler = api.assembler();
        assembler.onBody(body, body.length);
        AssembledResponse assembled = assembler.result();
        return new Result(agent, "ok", AgentTools.answer(assembled), ms, assembled.usage());
    }

    private Result failed(String agent, Throwable error, long ms, boolean cancelled) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cancelled || cause instanceof java.util.concurrent.CancellationException) {
            return new Result(agent, "cancelled", "cancelled: the client went away", ms, null);
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return new Result(agent, "timeout", "timed out after " + config.timeout().toMillis() + " ms", ms, null);
        }
        return new Result(agent, "error", "the call failed: " + cause, ms, null);
    }

    private void log(Trigger trigger, String agent, String model, Result r, String childRequestId) {
        meters.finished(agent, r.status(), Duration.ofMillis(r.durationMs()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", trigger.requestId());
        fields.put("agent", agent);
        fields.put("agent_request_id", childRequestId);
        fields.put("model", model);
        fields.put("status", r.status());
        fields.put("duration_ms", r.durationMs());
        LOG.info(Markers.appendEntries(fields), "agent {} for {}: {} in {} ms", agent, trigger.requestId(), r.status(),
                r.durationMs());
    }

    /** The block an agent's answer becomes in the main request: delimited, named, with its status. */
    public static String block(Result r) {
        String body = r.ok() ? r.answer() : "[Interpose: agent " + r.agent() + " " + r.status() + ": " + r.answer() + "]";
        return "<agent name=\"" + r.agent() + "\" status=\"" + r.status() + "\">\n" + body.strip() + "\n</agent>";
    }
}
