package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An upstream's error as the client's API says it, with a status that keeps its meaning for the CLIs' retry:
 * a rate limit stays 429; an overloaded upstream is Anthropic's 529 {@code overloaded_error} and OpenAI's 503;
 * a prompt over the model's context is Anthropic's "prompt is too long" (which makes Claude Code compact) and
 * OpenAI's {@code context_length_exceeded} (which makes Codex compact). Reads the OpenAI error shape and the
 * looser ones of OpenAI-compatible servers ({@code {"error":"…"}}, {@code {"message":…}}, {@code {"detail":…}},
 * plain text). Stateless.
 */
final class ErrorTranslation {
    private static final int MAX_MESSAGE = 2000;

    private ErrorTranslation() {
    }

    /** What an error says, whatever its shape. */
    record Fault(String type, String code, String message) {
        boolean mentions(String word) {
            return contains(type, word) || contains(code, word) || contains(message, word);
        }

        private static boolean contains(String text, String word) {
            return text != null && text.toLowerCase(Locale.ROOT).contains(word);
        }

        boolean contextTooLong() {
            return "context_length_exceeded".equals(code) || mentions("maximum context length")
                    || mentions("context length") || mentions("context window") || mentions("prompt is too long");
        }
    }

    /** Reads an error body of either vendor or of an OpenAI-compatible server. */
    static Fault read(byte[] body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return new Fault(null, null, cut(new String(body, StandardCharsets.UTF_8).strip()));
        }
        return read(json);
    }

    /** Reads an error object: a body, or the data of a stream's error event. */
    static Fault read(JsonNode json) {
        JsonNode error = json.path("error");
        if (error.isTextual()) {
            return new Fault(null, null, cut(error.asText()));
        }
        JsonNode holder = error.isObject() ? error : json;
        String message = Json.text(holder.path("message"));
        if (message == null && holder.path("detail").isTextual()) {
            message = holder.path("detail").asText();
        }
        JsonNode code = holder.path("code");
        return new Fault(Json.text(holder.path("type")), code.isValueNode() && !code.isNull() ? code.asText() : null,
                cut(message == null ? Json.write(json) : message));
    }

    // --- to Anthropic ---

    /** The Messages client's error for an OpenAI upstream's error answer. */
    static ErrorReply toMessages(int status, byte[] body) {
        Fault fault = read(body);
        int answered = messagesStatus(status, fault);
        return new ErrorReply(answered, bytes(messagesError(messagesType(answered), messagesMessage(fault))));
    }

    /** The data of a Messages stream's {@code error} event for an error that came in a stream. */
    static ObjectNode messagesStreamError(Fault fault) {
        int status = fault.mentions("rate") && fault.mentions("limit") ? 429
                : fault.mentions("overload") ? 529 : fault.contextTooLong() ? 400 : 500;
        return messagesError(messagesType(status), messagesMessage(fault));
    }

    static ObjectNode messagesError(String type, String message) {
        ObjectNode error = Json.object().put("type", "error");
        error.putObject("error").put("type", type).put("message", message);
        return error;
    }

    private static String messagesMessage(Fault fault) {
        String message = fault.message() == null ? "the upstream failed" : fault.message();
        return fault.contextTooLong() && !message.contains("prompt is too long") ? "prompt is too long: " + message : message;
    }

    private static int messagesStatus(int status, Fault fault) {
        if (status >= 500) {
            if (status == 503 || status == 529 || fault.mentions("overload")) {
                return 529;
            }
            return status;
        }
        if (fault.contextTooLong()) {
            return 400;
        }
        return status >= 400 ? status : 500;
    }

    private static String messagesType(int status) {
        switch (status) {
            case 401: return "authentication_error";
            case 402: return "billing_error";
            case 403: return "permission_error";
            case 404: return "not_found_error";
            case 413: return "request_too_large";
            case 429: return "rate_limit_error";
            case 504: return "timeout_error";
            case 529: return "overloaded_error";
            default: return status < 500 ? "invalid_request_error" : "api_error";
        }
    }

    // --- to OpenAI ---

    /** The OpenAI client's error (Responses or Chat: one shape) for an Anthropic upstream's error answer. */
    static ErrorReply toOpenAi(int status, byte[] body) {
        Fault fault = read(body);
        int answered = status == 529 || "overloaded_error".equals(fault.type()) ? 503 : status >= 400 ? status : 500;
        ObjectNode error = Json.object();
        ObjectNode inner = error.putObject("error");
        inner.put("message", fault.message() == null ? "the upstream failed" : fault.message());
        inner.put("type", answered < 500 ? (answered == 429 ? "rate_limit_error" : "invalid_request_error") : "server_error");
        inner.putNull("param");
        String code = openAiCode(answered, fault);
        if (code == null) {
            inner.putNull("code");
        } else {
            inner.put("code", code);
        }
        return new ErrorReply(answered, bytes(error));
    }

    /** The {@code error} of a Responses stream's {@code response.failed} for a Messages stream's error event. */
    static ObjectNode responsesStreamError(Fault fault) {
        int status = "rate_limit_error".equals(fault.type()) ? 429 : "overloaded_error".equals(fault.type()) ? 503
                : "invalid_request_error".equals(fault.type()) ? 400 : 500;
        String code = openAiCode(status, fault);
        ObjectNode error = Json.object().put("code", code == null ? "server_error" : code);
        error.put("message", fault.message() == null ? "the upstream failed" : fault.message());
        return error;
    }

    private static String openAiCode(int status, Fault fault) {
        if (fault.contextTooLong()) {
            return "context_length_exceeded";
        }
        switch (status) {
            case 401: return "invalid_api_key";
            case 402: return "insufficient_quota";
            case 429: return "rate_limit_exceeded";
            case 503: return "server_is_overloaded";
            default: return status >= 500 ? "server_error" : null;
        }
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }

    private static byte[] bytes(ObjectNode node) {
        return Json.write(node).getBytes(StandardCharsets.UTF_8);
    }
}
