package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fakes {@link TranslationIT} relies on speak only their own API: each refuses the others' requests (what an
 * untranslated or wrongly translated request looks like) with its own API's error, and streams its own grammar.
 * Without these refusals a wrong translation could pass the end-to-end tests.
 */
class ApiFakeTest {
    private static final String MESSAGES = "{\"model\":\"m\",\"max_tokens\":64,\"system\":\"Be brief.\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}";
    private static final String RESPONSES = "{\"model\":\"m\",\"stream\":true,\"instructions\":\"Be brief.\","
            + "\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}";
    private static final String CHAT = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ApiFake> fakes = new ArrayList<>();

    @AfterEach
    void close() {
        fakes.forEach(ApiFake::close);
    }

    private <T extends ApiFake> T started(T fake) {
        fakes.add(fake);
        fake.script(ApiFake.Script.text("Hello."));
        return fake;
    }

    private HttpResponse<String> post(ApiFake fake, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiFake.JSON.readTree(response.body());
    }

    /** The text of a streamed Chat answer: its chunks' content deltas joined. */
    private static String chatText(HttpResponse<String> response) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                text.append(ApiFake.JSON.readTree(line.substring(6)).path("choices").path(0).path("delta")
                        .path("content").asText(""));
            }
        }
        return text.toString();
    }

    @Test
    void theChatFakeRefusesMessagesAndResponsesRequestsWithChatsErrorAndStreamsChunksEndingInDone() throws Exception {
        ChatFake chat = started(new ChatFake());

        HttpResponse<String> messages = post(chat, "/v1/chat/completions", MESSAGES);
        assertThat(messages.statusCode()).isEqualTo(400);
        assertThat(json(messages).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(messages).path("error").path("message").asText()).isEqualTo("system: unrecognized field");
        assertThat(post(chat, "/v1/chat/completions", CHAT.replace("\"content\":\"hi\"", "\"content\":[{\"type\":"
                + "\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"out\"}]")).body())
                .contains("part type 'tool_result' is not allowed for role user");
        HttpResponse<String> responses = post(chat, "/v1/chat/completions", RESPONSES);
        assertThat(json(responses).path("error").path("message").asText()).contains("input: unrecognized field",
                "instructions: unrecognized field", "messages: a non-empty array is required");
        assertThat(post(chat, "/v1/messages", CHAT).statusCode()).isEqualTo(404);
        assertThat(post(chat, "/v1/chat/completions", CHAT.replace("\"content\":\"hi\"}", "\"content\":\"hi\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"out\"}")).body())
                .contains("must be a response to a preceding message with 'tool_calls'");
        assertThat(chat.rejections()).hasSize(5);

        HttpResponse<String> ok = post(chat, "/v1/chat/completions", CHAT);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"object\":\"chat.completion.chunk\"", "\"content\":\"Hel\"",
                "\"finish_reason\":\"stop\"", "\"usage\":{\"prompt_tokens\"").endsWith("data: [DONE]\n\n");
        assertThat(chat.rejections()).hasSize(5);
    }

    @Test
    void theResponsesFakeRefusesMessagesAndChatRequestsAndStreamsFromCreatedToCompleted() throws Exception {
        ResponsesFake responses = started(new ResponsesFake());

        HttpResponse<String> messages = post(responses, "/v1/responses", MESSAGES);
        assertThat(messages.statusCode()).isEqualTo(400);
        assertThat(json(messages).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(messages).path("error").path("message").asText()).contains("messages: unrecognized field",
                "system: unrecognized field", "max_tokens: unrecognized field", "input: a string or an array");
        assertThat(post(responses, "/v1/responses", CHAT).body()).contains("messages: unrecognized field");
        assertThat(post(responses, "/v1/responses", RESPONSES.replace("]}]}", "]},{\"type\":\"function_call_output\","
                + "\"call_id\":\"call_1\",\"output\":\"out\"}]}")).body())
                .contains("No tool call found for function call output with call_id \\\"call_1\\\"");
        assertThat(post(responses, "/v1/responses", RESPONSES.replace("\"input_text\"", "\"text\"")).body())
                .contains("part type 'text' is not allowed for role user");

        HttpResponse<String> ok = post(responses, "/v1/responses", RESPONSES);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).startsWith("event: response.created\n").contains("event: response.output_item.done\n",
                "\"output_tokens\":9").endsWith("\n\n");
        assertThat(ok.body().substring(ok.body().lastIndexOf("event: "))).startsWith("event: response.completed\n");
        assertThat(responses.rejections()).hasSize(4);
    }

    @Test
    void theAnthropicFakeRefusesResponsesAndChatRequestsWithAnthropicsErrorAndStreamsTheMessagesGrammar()
            throws Exception {
        AnthropicFake anthropic = started(new AnthropicFake());

        HttpResponse<String> responses = post(anthropic, "/v1/messages", RESPONSES, "anthropic-version", "2023-06-01");
        assertThat(responses.statusCode()).isEqualTo(400);
        assertThat(json(responses).path("type").asText()).isEqualTo("error");
        assertThat(json(responses).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(responses).path("error").path("message").asText()).contains(
                "input: Extra inputs are not permitted", "instructions: Extra inputs are not permitted",
                "max_tokens: Field required");
        assertThat(post(anthropic, "/v1/messages", CHAT.replace("\"stream\"", "\"max_tokens\":64,\"stream\""),
                "anthropic-version", "2023-06-01").body()).contains("stream_options: Extra inputs",
                "messages.0.role: Input should be 'user' or 'assistant'");
        assertThat(post(anthropic, "/v1/messages", MESSAGES).body()).contains("anthropic-version: header is required");
        assertThat(post(anthropic, "/v1/messages", MESSAGES.replace("\"text\":\"hi\"", "\"text\":\"\""),
                "anthropic-version", "2023-06-01").body()).contains("text content blocks must be non-empty");
        assertThat(post(anthropic, "/v1/messages", MESSAGES.replace("]}]}", "]},{\"role\":\"user\",\"content\":[{"
                + "\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"out\"}]}]}"), "anthropic-version",
                "2023-06-01").body()).contains("must be answered by tool_result blocks immediately after");

        HttpResponse<String> ok = post(anthropic, "/v1/messages", MESSAGES, "anthropic-version", "2023-06-01");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).startsWith("event: message_start\n").contains("event: ping\n",
                "\"stop_reason\":\"end_turn\"").endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(anthropic.rejections()).hasSize(5);
    }

    @Test
    void aFakeMakesItsToolCallThenQuotesTheResultOnlyWhenTheResultHoldsTheMarker() throws Exception {
        ChatFake chat = started(new ChatFake());
        chat.script(ApiFake.Script.afterCall(new ApiFake.ToolCall("call_1", "Bash",
                ApiFake.JSON.createObjectNode().put("command", "cat m")), "MARK-1", "It said MARK-1."));

        assertThat(post(chat, "/v1/chat/completions", CHAT).body()).contains("\"id\":\"call_1\"", "\"name\":\"Bash\"",
                "\"finish_reason\":\"tool_calls\"");
        String history = CHAT.replace("\"content\":\"hi\"}", "\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":"
                + "null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\","
                + "\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"OUT\"}");
        HttpResponse<String> quoted = post(chat, "/v1/chat/completions", history.replace("OUT", "MARK-1"));
        assertThat(quoted.body()).contains("\"finish_reason\":\"stop\"");
        assertThat(chatText(quoted)).isEqualTo("It said MARK-1.");
        assertThat(chatText(post(chat, "/v1/chat/completions", history)))
                .isEqualTo("The tool results did not all hold MARK-1: [OUT]");
        assertThat(chat.rejections()).isEmpty();
    }
}
