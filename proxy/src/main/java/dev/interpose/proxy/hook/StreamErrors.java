package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.error.ErrorBodies;
import dev.interpose.proxy.error.ErrorKind;
import java.nio.charset.StandardCharsets;

/**
 * The last event of a stream the proxy cuts short, in the shape each API's clients read as a failed answer:
 * Anthropic's {@code event: error} with its error body, the Responses API's {@code response.failed} (Codex
 * reads its {@code response.error} and retries), and for Chat Completions a chunk holding OpenAI's error
 * body (the SDKs throw on a chunk with an {@code error}). Stateless and thread-safe.
 */
final class StreamErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ErrorKind KIND = ErrorKind.UPSTREAM_BAD_RESPONSE;

    private StreamErrors() {
    }

    /**
     * The error event, UTF-8.
     *
     * @param sequence   the Responses API's next {@code sequence_number}
     * @param responseId the Responses API's response id, or null when none was seen
     */
    static byte[] event(Api api, String message, int sequence, String responseId) {
        String text = switch (api) {
            case MESSAGES -> "event: error\ndata: " + body(Dialect.ANTHROPIC, message) + "\n\n";
            case RESPONSES -> "event: response.failed\ndata: " + failed(message, sequence, responseId) + "\n\n";
            case CHAT -> "data: " + body(Dialect.OPENAI, message) + "\n\n";
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String body(Dialect dialect, String message) {
        return new String(ErrorBodies.render(dialect, KIND, message), StandardCharsets.UTF_8);
    }

    private static String failed(String message, int sequence, String responseId) {
        ObjectNode event = JSON.createObjectNode().put("type", "response.failed").put("sequence_number", sequence);
        ObjectNode response = event.putObject("response");
        if (responseId != null) {
            response.put("id", responseId);
        }
        response.put("object", "response").put("status", "failed");
        response.putObject("error").put("code", "server_error").put("message", message);
        return event.toString();
    }
}
