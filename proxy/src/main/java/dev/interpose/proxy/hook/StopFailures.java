package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code error} of a {@code StopFailure} hook's input (its matcher's subject), as Claude Code names the ways a
 * turn ends on an API error: {@code rate_limit}, {@code authentication_failed}, {@code billing_error},
 * {@code invalid_request}, {@code server_error}, {@code max_output_tokens}, {@code unknown}. Told from the API's
 * own error type when the answer has one, else from the status. Stateless.
 */
final class StopFailures {
    static final String MAX_OUTPUT_TOKENS = "max_output_tokens";

    private StopFailures() {
    }

    /** The error type of an answer with this status (0: none) and error object (null: none). */
    static String type(int status, JsonNode error) {
        String type = error == null ? "" : error.path("type").asText("");
        switch (type) {
            case "rate_limit_error", "rate_limit_exceeded", "insufficient_quota" -> {
                return type.equals("insufficient_quota") ? "billing_error" : "rate_limit";
            }
            case "authentication_error", "permission_error", "invalid_api_key" -> {
                return "authentication_failed";
            }
            case "billing_error" -> {
                return "billing_error";
            }
            case "invalid_request_error", "not_found_error", "request_too_large" -> {
                return "invalid_request";
            }
            case "overloaded_error", "api_error", "server_error", "timeout_error" -> {
                return "server_error";
            }
            default -> {
                return byStatus(status);
            }
        }
    }

    private static String byStatus(int status) {
        if (status == 429) {
            return "rate_limit";
        }
        if (status == 401 || status == 403) {
            return "authentication_failed";
        }
        if (status == 402) {
            return "billing_error";
        }
        if (status >= 400 && status < 500) {
            return "invalid_request";
        }
        return status >= 500 ? "server_error" : "unknown";
    }

    /** Whether a clean answer stopped because it reached its output limit (which Claude Code counts as failed). */
    static boolean outOfTokens(String stopReason) {
        return "max_tokens".equals(stopReason) || "incomplete:max_output_tokens".equals(stopReason)
                || "length".equals(stopReason);
    }
}
