package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * An estimate of a Messages request's input tokens, for {@code /v1/messages/count_tokens} when the upstream
 * has no such endpoint (the OpenAI APIs have none): about four bytes of UTF-8 per token over everything the
 * model reads (system, text, tool inputs and results, tool definitions), a few tokens per message, and a
 * fixed 1600 per image (Anthropic's cost of an image near its size limit). Only an estimate: the caller marks
 * the answer as one. Stateless.
 */
public final class TokenEstimate {
    static final int PER_IMAGE = 1600;
    private static final int PER_MESSAGE = 4;

    private TokenEstimate() {
    }

    /** The {@code count_tokens} answer for a Messages request: {@code {"input_tokens": n}}. */
    public static ObjectNode countTokensAnswer(JsonNode request) {
        return Json.object().put("input_tokens", inputTokens(request));
    }

    /** The estimated input tokens of a Messages request. */
    public static long inputTokens(JsonNode request) {
        Tally tally = new Tally();
        tally.content(request.path("system"));
        for (JsonNode message : request.path("messages")) {
            tally.tokens += PER_MESSAGE;
            tally.content(message.path("content"));
        }
        for (JsonNode tool : request.path("tools")) {
            tally.text(tool.path("name").asText(""));
            tally.text(tool.path("description").asText(""));
            tally.json(tool.path("input_schema"));
        }
        return tally.tokens + (tally.bytes + 3) / 4;
    }

    /** What has been counted so far: whole tokens, and bytes of text still to turn into tokens. */
    private static final class Tally {
        long tokens;
        long bytes;

        void content(JsonNode content) {
            if (content.isTextual()) {
                text(content.asText());
                return;
            }
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text":
                        text(block.path("text").asText(""));
                        break;
                    case "thinking":
                        text(block.path("thinking").asText(""));
                        break;
                    case "image":
                    case "document":
                        tokens += PER_IMAGE;
                        break;
                    case "tool_use":
                        text(block.path("name").asText(""));
                        json(block.path("input"));
                        break;
                    case "tool_result":
                        content(block.path("content"));
                        break;
                    default:
                        break;
                }
            }
        }

        void text(String text) {
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
        }

        void json(JsonNode value) {
            if (!value.isMissingNode()) {
                text(Json.write(value));
            }
        }
    }
}
