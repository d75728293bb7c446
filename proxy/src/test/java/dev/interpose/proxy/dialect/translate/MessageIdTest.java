package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Claude Code joins assistant messages that share a message id into one answer (found by the end-to-end test: two
 * turns of Bash then Read on an upstream that repeated its id reached the model as both calls, then both outputs).
 * So each request of a Messages client on an OpenAI upstream is answered under an id of its own, whatever id the
 * upstream gives (Ollama's are {@code chatcmpl-} and a number below 999), whole and streamed alike.
 */
class MessageIdTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT_WHOLE = "{'id':'chatcmpl-7','object':'chat.completion','choices':[{'index':0,"
            + "'message':{'role':'assistant','content':'hi'},'finish_reason':'stop'}]}";
    private static final String CHAT_STREAM = "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    private static final String RESPONSES_WHOLE = "{'id':'resp_7','object':'response','status':'completed','output':[{"
            + "'type':'message','id':'msg_o','role':'assistant','content':[{'type':'output_text','text':'hi'}]}]}";

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TranslatedCall call(ApiDialect upstream, int turn) {
        ObjectNode request = JSON.createObjectNode().put("model", "qwen3").put("max_tokens", 100).put("stream", true);
        for (int i = 0; i < turn; i++) {
            request.withArray("messages").addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", "x");
        }
        return Translation.of(ApiDialect.MESSAGES, upstream).request(request);
    }

    private static String streamedId(TranslatedCall call, String upstreamStream) {
        byte[] out = Sse.translate(call.events(), upstreamStream.getBytes(StandardCharsets.UTF_8), List.of());
        return MessagesGrammar.check(Sse.events(out)).id();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void twoTurnsOnAnUpstreamThatRepeatsItsIdGetTwoMessageIds(boolean chat) {
        ApiDialect upstream = chat ? ApiDialect.CHAT : ApiDialect.RESPONSES;
        String whole = upstream == ApiDialect.CHAT ? CHAT_WHOLE : RESPONSES_WHOLE;
        TranslatedCall first = call(upstream, 1);
        TranslatedCall second = call(upstream, 3);

        String one = first.answer(json(whole)).path("id").asText();
        String two = second.answer(json(whole)).path("id").asText();

        assertThat(one).startsWith("msg_").isNotEqualTo(two);
        assertThat(two).startsWith("msg_");
        assertThat(first.answer(json(whole)).path("id").asText()).as("one request, one id").isEqualTo(one);
        if (upstream == ApiDialect.CHAT) {
            assertThat(streamedId(first, CHAT_STREAM)).as("streamed and whole alike").isEqualTo(one);
            assertThat(streamedId(second, CHAT_STREAM)).isEqualTo(two);
        }
    }
}
