package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Chat Completions stream as the OpenAI SDKs read it, and returns what it said: unnamed events of
 * {@code chat.completion.chunk}s with one id, the first with the assistant's role; tool calls numbered 0, 1,
 * 2… in order, each first seen with its id, type and name, then only argument pieces; one finish reason,
 * after which only the usage chunk (no choices) may come; {@code [DONE]} last. Or an error chunk last.
 */
final class ChatGrammar {
    record Call(String id, String name, String arguments) {
    }

    record Said(String text, String reasoning, List<Call> calls, String finishReason, JsonNode usage, JsonNode error) {
    }

    private ChatGrammar() {
    }

    static Said check(List<Sse.Event> events) {
        assertThat(events).isNotEmpty();
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String[]> calls = new ArrayList<>();
        String id = null;
        String finish = null;
        JsonNode usage = null;
        for (int i = 0; i < events.size(); i++) {
            Sse.Event event = events.get(i);
            boolean last = i == events.size() - 1;
            assertThat(event.name()).as("Chat events have no names").isNull();
            if (event.done()) {
                assertThat(last).as("[DONE] is last").isTrue();
                assertThat(finish).as("a finish reason before [DONE]").isNotNull();
                return new Said(text.toString(), reasoning.toString(), calls(calls), finish, usage, null);
            }
            JsonNode chunk = event.data();
            if (chunk.has("error")) {
                assertThat(last).as("an error chunk is last").isTrue();
                assertThat(chunk.path("error").path("message").isTextual()).isTrue();
                return new Said(text.toString(), reasoning.toString(), calls(calls), finish, usage, chunk.path("error"));
            }
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (id == null) {
                id = chunk.path("id").asText();
                assertThat(chunk.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
            }
            assertThat(chunk.path("id").asText()).as("one id").isEqualTo(id);
            assertThat(chunk.path("model").isTextual()).isTrue();
            if (chunk.path("choices").isEmpty()) {
                assertThat(finish).as("the usage chunk comes after the finish").isNotNull();
                usage = chunk.path("usage");
                assertThat(usage.path("prompt_tokens").isIntegralNumber() && usage.path("completion_tokens").isIntegralNumber()
                        && usage.path("total_tokens").isIntegralNumber()).isTrue();
                continue;
            }
            assertThat(finish).as("nothing but usage after the finish").isNull();
            JsonNode choice = chunk.path("choices").get(0);
            assertThat(choice.path("index").asInt(-1)).isZero();
            JsonNode delta = choice.path("delta");
            text.append(delta.path("content").asText(""));
            reasoning.append(delta.path("reasoning_content").asText(""));
            for (JsonNode part : delta.path("tool_calls")) {
                int index = part.path("index").asInt(-1);
                if (index == calls.size()) {
                    assertThat(part.path("id").asText()).as("a new call's id").isNotEmpty();
                    assertThat(part.path("type").asText()).isEqualTo("function");
                    calls.add(new String[] {part.path("id").asText(), part.path("function").path("name").asText(), ""});
                } else {
                    assertThat(index).as("pieces of the newest call").isEqualTo(calls.size() - 1);
                    assertThat(part.has("id")).isFalse();
                }
                calls.get(index)[2] += part.path("function").path("arguments").asText("");
            }
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.path("finish_reason").asText();
                assertThat(finish).isIn("stop", "length", "tool_calls", "content_filter");
            }
        }
        throw new AssertionError("the stream ended without [DONE] or an error chunk");
    }

    private static List<Call> calls(List<String[]> calls) {
        return calls.stream().map(c -> new Call(c[0], c[1], c[2])).toList();
    }
}
