package dev.interpose.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a settings file's {@code "type": "http"} handler as Claude Code documents it:
 * {@code {"type": "http", "url": "http://localhost:8080/hook", "headers": {"Authorization": "Bearer $TOKEN"},
 * "allowedEnvVars": ["TOKEN"], "timeout": 30}}. Error messages never repeat a header's value (it may hold a
 * secret). Stateless.
 */
final class HttpHandlers {
    private HttpHandlers() {
    }

    /** What is wrong with the handler's {@code url}, {@code headers} or {@code allowedEnvVars}, or null. */
    static String problem(JsonNode hook) {
        JsonNode url = hook.path("url");
        if (!url.isTextual()) {
            return "an http hook without a \"url\" string";
        }
        if (url(url.asText()) == null) {
            return "url \"" + withoutQuery(url.asText()) + "\" (expected: an http or https URL)";
        }
        JsonNode headers = hook.path("headers");
        if (!headers.isMissingNode() && !headers.isObject()) {
            return "headers (expected: an object of header names and string values)";
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            if (!header.getValue().isTextual()) {
                return "headers." + header.getKey() + " (expected: a string value)";
            }
        }
        JsonNode vars = hook.path("allowedEnvVars");
        if (!vars.isMissingNode() && !vars.isArray()) {
            return "allowedEnvVars (expected: a list of environment variable names)";
        }
        for (JsonNode var : vars) {
            if (!var.isTextual() || !var.asText().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return "allowedEnvVars " + var + " (expected: a bare variable name such as MY_TOKEN, without $)";
            }
        }
        return null;
    }

    /** The handler, once {@link #problem} found nothing wrong. */
    static HookDefinition.Http of(JsonNode hook) {
        Map<String, String> headers = new LinkedHashMap<>();
        hook.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        List<String> vars = new ArrayList<>();
        hook.path("allowedEnvVars").forEach(v -> vars.add(v.asText()));
        return new HookDefinition.Http(url(hook.path("url").asText()), headers, vars);
    }

    private static URI url(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** A URL as an error message may show it: its query may carry a key. */
    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }
}
