package dev.interpose.hooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.config.HookDefinition;
import dev.interpose.config.HookEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A settings file's {@code "type": "http"} handler, as Claude Code runs one: the hook's input is POSTed as JSON
 * ({@code Content-Type: application/json}) to its URL with its headers, {@code $VAR} and {@code ${VAR}} in a header
 * value replaced by the environment variable when {@code allowedEnvVars} lists it and by nothing otherwise. A 2xx
 * answer's body is read as a command's stdout after exit 0 ({@link ScriptOutput}): empty goes on, a JSON object
 * decides, plain text is context where a command's is. A non-2xx status, a connection failure or the timeout is a
 * hook error, which does not block (an http hook blocks only with a 2xx {@code decision: "block"}). Redirects are not
 * followed. Header values are never logged or put in a reason (they may hold secrets), nor the URL's query.
 * {@link #post} blocks: it runs on the hook executor, never an event loop. Thread-safe.
 */
final class HttpCall {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final HookDefinition.Http target;
    private final Duration timeout;
    private final UnaryOperator<String> env;
    private final HttpClient client;

    /**
     * @param env reads an environment variable (null when unset); asked only for the names the handler allows
     * @param io  the client's executor for its own work
     */
    HttpCall(HookDefinition.Http target, Duration timeout, UnaryOperator<String> env, Executor io) {
        this.target = target;
        this.timeout = timeout;
        this.env = env;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .executor(io).build();
    }

    /** POSTs {@code input} and reads the answer as the hook's output; never throws for what the server does. */
    HookResult post(JsonNode input) throws InterruptedException {
        HookEvent event = HookEvent.of(input.path("hook_event_name").asText());
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(timeout)
                .header("Content-Type", "application/json");
        for (Map.Entry<String, String> header : target.headers().entrySet()) {
            try {
                request.setHeader(header.getKey(), interpolate(header.getValue()));
            } catch (IllegalArgumentException e) {
                return HookResult.error("header " + header.getKey() + " is not one an HTTP request may set");
            }
        }
        HttpResponse<InputStream> response;
        try {
            byte[] body = JSON.writeValueAsBytes(input);
            response = client.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return HookResult.timeout("after " + timeout.toMillis() + "ms waiting for " + where());
        } catch (IOException e) {
            return HookResult.error(where() + " could not be reached: " + e.getClass().getSimpleName());
        }
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                return HookResult.error(where() + " answered HTTP " + status);
            }
            byte[] bytes = in.readNBytes(ScriptHook.MAX_STDOUT + 1);
            boolean truncated = bytes.length > ScriptHook.MAX_STDOUT;
            String text = new String(bytes, 0, Math.min(bytes.length, ScriptHook.MAX_STDOUT), StandardCharsets.UTF_8);
            return ScriptOutput.interpret(event, 0, text, truncated, "");
        } catch (IOException e) {
            return HookResult.error(where() + " broke off its answer: " + e.getClass().getSimpleName());
        }
    }

    /** A header value with its allowed variables filled in; any other variable is left empty, as Claude Code does. */
    String interpolate(String value) {
        Set<String> allowed = Set.copyOf(target.allowedEnvVars());
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String filled = allowed.contains(name) ? env.apply(name) : null;
            m.appendReplacement(out, Matcher.quoteReplacement(filled == null ? "" : filled));
        }
        return m.appendTail(out).toString();
    }

    /** The URL as a reason may show it: without its query, which may carry a key. */
    private String where() {
        java.net.URI url = target.url();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath()); // no user:password@ either
    }
}
