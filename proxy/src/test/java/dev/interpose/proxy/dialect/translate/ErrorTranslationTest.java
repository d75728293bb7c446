package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upstream errors as the client's errors, with statuses the CLIs retry (or not) as they should. */
class ErrorTranslationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TranslatedCall onChat() {
        ObjectNode request = JSON.createObjectNode().put("model", "m").put("max_tokens", 1);
        request.putArray("messages").addObject().put("role", "user").put("content", "x");
        return Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT).request(request);
    }

    private static JsonNode body(ErrorReply reply) throws IOException {
        return JSON.readTree(reply.body());
    }

    private static byte[] openAi(String type, String code, String message) {
        return ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({
        "429, requests, rate_limit_exceeded, Rate limit reached, 429, rate_limit_error",
        "401, invalid_request_error, invalid_api_key, Incorrect API key, 401, authentication_error",
        "400, invalid_request_error, , Bad value, 400, invalid_request_error",
        "403, invalid_request_error, , Forbidden, 403, permission_error",
        "404, invalid_request_error, model_not_found, No such model, 404, not_found_error",
        "503, server_error, , The engine is currently overloaded, 529, overloaded_error",
        "500, server_error, , Something broke, 500, api_error",
        "502, server_error, , Bad gateway, 502, api_error",
        "500, server_error, , Model overloaded try later, 529, overloaded_error",
    })
    void openAiErrorsAsAnthropicErrors(int status, String type, String code, String message, int answered, String anthropicType)
            throws IOException {
        ErrorReply reply = onChat().error(status, openAi(type, code, message));
        assertThat(reply.status()).isEqualTo(answered);
        JsonNode body = body(reply);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(anthropicType);
        assertThat(body.path("error").path("message").asText()).isEqualTo(message);
    }

    @Test
    void aContextOverflowSaysPromptIsTooLongSoClaudeCodeCompacts() throws IOException {
        ErrorReply reply = onChat().error(400, openAi("invalid_request_error", "context_length_exceeded",
                "This model's maximum context length is 32768 tokens"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(body(reply).path("error").path("message").asText()).startsWith("prompt is too long: ")
                .contains("32768");
    }

    @Test
    void theLooseShapesOfCompatibleServers() throws IOException {
        assertThat(body(onChat().error(400, "{\"error\":\"bad thing\"}".getBytes())).path("error").path("message").asText())
                .isEqualTo("bad thing");
        assertThat(body(onChat().error(422, "{\"detail\":\"unprocessable\"}".getBytes())).path("error").path("message").asText())
                .isEqualTo("unprocessable");
        ErrorReply text = onChat().error(502, "<html>Bad Gateway</html>".getBytes());
        assertThat(text.status()).isEqualTo(502);
        assertThat(body(text).path("error").path("message").asText()).isEqualTo("<html>Bad Gateway</html>");
        assertThat(body(onChat().error(500, new byte[0])).path("error").path("type").asText()).isEqualTo("api_error");
    }
}
