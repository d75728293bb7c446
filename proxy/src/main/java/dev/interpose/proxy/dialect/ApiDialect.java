package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.error.ErrorKind;
import java.util.List;

/**
 * Everything the proxy knows about one model API's JSON: which paths it serves, the newest turn of a
 * request, the shape of an answer the proxy writes itself (a blocked request's reply, an error body, the
 * error event that ends a stream), the request a subagent sends, and (in {@link #assembler()} and
 * {@link #usageEvents()}) how its answers carry text, tool calls and usage. The rest of the proxy asks the
 * dialect and never looks at an API's JSON itself.
 *
 * <p>There are three: {@link #MESSAGES} (Anthropic), {@link #RESPONSES} (OpenAI, with {@link #CODEX}, the
 * ChatGPT Codex path, as a flavour of it) and {@link #CHAT} (OpenAI Chat Completions). Stateless and
 * thread-safe; the state of one response lives in the objects they hand out.
 */
public sealed interface ApiDialect permits MessagesApi, ResponsesApi, ChatApi {
    /** Anthropic {@code /v1/messages}. */
    ApiDialect MESSAGES = new MessagesApi();
    /** OpenAI {@code /v1/responses}. */
    ApiDialect RESPONSES = new ResponsesApi("responses", "/v1/responses");
    /** The ChatGPT backend's {@code /backend-api/codex/responses}: the Responses API behind a ChatGPT login. */
    ApiDialect CODEX = new ResponsesApi("codex", "/backend-api/codex/responses");
    /** OpenAI {@code /v1/chat/completions}. */
    ApiDialect CHAT = new ChatApi();

    /** The dialect of a model call's path (query excluded), or null when the path is not one the proxy reads. */
    static ApiDialect forPath(String path) {
        if (path.endsWith("/messages")) {
            return MESSAGES;
        }
        if (path.endsWith("/responses")) {
            return path.startsWith("/backend-api/") ? CODEX : RESPONSES;
        }
        if (path.endsWith("/chat/completions")) {
            return CHAT;
        }
        return null;
    }

    /**
     * The dialect whose error shape a client of that vendor reads: for a request that is no model call
     * ({@code /v1/models}, an unknown path) or could not be read far enough to tell.
     */
    static ApiDialect errorsOf(Dialect family) {
        return family == Dialect.ANTHROPIC ? MESSAGES : RESPONSES;
    }

    /** The dialect for a path when it is a model call, else the error shape of that vendor. */
    static ApiDialect of(String path, Dialect family) {
        ApiDialect dialect = forPath(path);
        return dialect != null ? dialect : errorsOf(family);
    }

    /**
     * The API an upstream of dialect {@code upstream} speaks for a model call in the {@code client} API:
     * {@code openai} speaks the client's OpenAI API (Responses or Chat), and Responses to an Anthropic client;
     * {@code openai-responses} keeps the Codex path's flavour.
     */
    static ApiDialect spokenBy(Dialect upstream, ApiDialect client) {
        return switch (upstream) {
            case ANTHROPIC -> MESSAGES;
            case OPENAI_CHAT -> CHAT;
            case OPENAI_RESPONSES -> client == CODEX ? CODEX : RESPONSES;
            case OPENAI -> client.family() == Dialect.OPENAI ? client : RESPONSES;
        };
    }

    /** The precise dialect of a request of this API, as routes filter on it: {@code openai-chat} for Chat. */
    default Dialect configDialect() {
        return this == MESSAGES ? Dialect.ANTHROPIC : this == CHAT ? Dialect.OPENAI_CHAT : Dialect.OPENAI_RESPONSES;
    }

    /** Whether a body of this API is one of {@code other} as it is (the Codex path is the Responses API). */
    default boolean readsAs(ApiDialect other) {
        return configDialect() == other.configDialect();
    }

    /** A short stable name: {@code messages}, {@code responses}, {@code codex}, {@code chat}. */
    String name();

    /** The vendor whose clients speak it, which is also how routes and upstreams name it. */
    Dialect family();

    /** The path a call of this API is sent to. */
    String path();

    // --- errors ---

    /** The HTTP status an error of that kind is answered with in this API (Anthropic says 529 for overloaded). */
    default int status(ErrorKind kind) {
        return kind.status();
    }

    /** The JSON error body this API's clients parse, UTF-8. */
    byte[] errorBody(ErrorKind kind, String message);

    /**
     * The last event of a stream the proxy cuts short, as this API's clients read a failed answer, UTF-8.
     *
     * @param sequence   the Responses API's next {@code sequence_number}
     * @param responseId the Responses API's response id, or null when none was seen
     */
    byte[] streamError(String message, int sequence, String responseId);

    // --- the newest turn of a request ---

    /**
     * One tool call of the previous response and its result in this request.
     *
     * @param id     the call's id ({@code tool_use_id}, {@code call_id}, {@code tool_call_id}), or null
     * @param failed whether the result says the call failed (Anthropic's {@code is_error: true})
     */
    record ToolResult(String name, JsonNode input, String output, String id, boolean failed) {
        public ToolResult(String name, JsonNode input, String output) {
            this(name, input, output, null, false);
        }
    }

    /** The typed prompt of the newest turn, or null when it is a tool-result turn (or there is none). */
    String prompt(ObjectNode body);

    /** The tool results the newest turn carries, with the calls they answer. */
    List<ToolResult> toolResults(ObjectNode body);

    /**
     * Replaces the output of the {@code index}th of {@link #toolResults} with {@code output} ({@code PostToolUse}'s
     * {@code updatedToolOutput}: a redaction).
     */
    void replaceToolResult(ObjectNode body, int index, String output);

    /** Adds text the model sees with the newest turn. */
    void addContext(ObjectNode body, String text);

    /** Replaces the typed prompt (keeping the blocks the CLIs inject around it). */
    void replacePrompt(ObjectNode body, String prompt);

    // --- answers the proxy writes itself ---

    /** A complete answer body and its content type. */
    record Reply(byte[] bytes, String contentType) {
    }

    /**
     * A normal assistant answer holding {@code text}, in this API's shape, streamed or whole: what a blocked
     * request or a hook's own reply is answered with (an HTTP error would be retried or end the session).
     */
    Reply reply(boolean stream, String model, String id, String text);

    /** The body of a subagent's call: the agent's system prompt, the task as the one user turn, not streamed. */
    ObjectNode agentRequest(String model, String systemPrompt, String task, int maxTokens);

    // --- answers of the model ---

    /** A new assembler for one answer of this API, streamed or whole. */
    AnswerAssembler assembler();

    /** Which events of this API's streams report usage, and which one ends a stream. */
    UsageEvents usageEvents();

    // --- the tool calls of an answer ---

    /** How this API's answers (whole or streamed) carry tool calls, and how a denied one is replaced. */
    ToolCalls toolCalls();
}
