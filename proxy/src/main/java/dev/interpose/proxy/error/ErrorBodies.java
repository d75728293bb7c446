package dev.interpose.proxy.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.interpose.config.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders an error as the JSON body each client parses: Anthropic's
 * {@code {"type":"error","error":{"type","message"}}} or OpenAI's
 * {@code {"error":{"message","type","param","code"}}}. Stateless and thread-safe.
 */
public final class ErrorBodies {
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorBodies() {
    }

    /** The error body for that dialect, UTF-8 JSON. */
    public static byte[] render(Dialect dialect, ErrorKind kind, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (dialect == Dialect.ANTHROPIC) {
                g.writeStringField("type", "error");
                g.writeObjectFieldStart("error");
                g.writeStringField("type", anthropicType(kind));
                g.writeStringField("message", message);
                g.writeEndObject();
            } else {
                g.writeObjectFieldStart("error");
                g.writeStringField("message", message);
                g.writeStringField("type", kind.status() < 500 ? "invalid_request_error" : "server_error");
                g.writeNullField("param");
                g.writeStringField("code", kind.code());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Anthropic's documented error types, by the status the proxy answers with. */
    static String anthropicType(ErrorKind kind) {
        switch (kind.status()) {
            case 403: return "permission_error";
            case 404: return "not_found_error";
            case 413: return "request_too_large";
            case 429: return "rate_limit_error";
            case 504: return "timeout_error";
            case 503: return "overloaded_error";
            default: return kind.status() < 500 ? "invalid_request_error" : "api_error";
        }
    }
}
