package dev.interpose.proxy.dialect.translate;

/** How the APIs say why an answer stopped. Stateless. */
final class Stops {
    private Stops() {
    }

    /**
     * Messages' {@code stop_reason} for Chat's {@code finish_reason} (null: none came); {@code calledTools}:
     * whether the answer holds tool calls, which some servers finish with {@code stop}.
     */
    static String messagesOfChat(String finishReason, boolean calledTools) {
        if (finishReason == null) {
            return calledTools ? "tool_use" : "end_turn";
        }
        switch (finishReason) {
            case "length":
                return "max_tokens";
            case "tool_calls":
            case "function_call":
                return "tool_use";
            case "content_filter":
                return "refusal";
            default:
                return calledTools ? "tool_use" : "end_turn";
        }
    }

    /** Whether a Messages answer that stopped so is incomplete in the Responses API's terms. */
    static boolean incomplete(String stopReason) {
        return "max_tokens".equals(stopReason) || "refusal".equals(stopReason)
                || "model_context_window_exceeded".equals(stopReason);
    }

    /** The Responses API's {@code incomplete_details.reason} for an incomplete Messages stop. */
    static String incompleteReason(String stopReason) {
        return "refusal".equals(stopReason) ? "content_filter" : "max_output_tokens";
    }
}
