package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Claude Code on a Responses model: its requests as Responses requests, and Responses answers (the fixtures'
 * transcripts, reasoning with parallel calls, failed, incomplete, items seen only done, cut short) as the
 * Messages answers it reads, streamed ones cut at every byte.
 */
class MessagesOnResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One request: the message id it gives its answers is its own, so every stream of it can be compared byte for byte. */
    private static final TranslatedCall CALL = Translation.of(ApiDialect.MESSAGES, ApiDialect.RESPONSES).request(json(
            "{'model':'gpt-5.5','max_tokens':64000,'stream':true,'messages':[{'role':'user','content':'x'}]}"));

    private static TranslatedCall call() {
        return CALL;
    }

    private static byte[] upstream(String transcript) {
        return transcript.startsWith("sample-") ? Fixtures.bytes(transcript) : Sse.resource(transcript);
    }

    private static MessagesGrammar.Said said(String transcript) {
        return MessagesGrammar.check(Sse.events(Sse.translate(call().events(), upstream(transcript), List.of())));
    }

    @Test
    void claudeCodesRealRequest() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("anthropic-messages-claude-code.json"));
        ObjectNode responses = Translation.of(ApiDialect.MESSAGES, ApiDialect.RESPONSES).request(request).body();
        String instructions = responses.path("instructions").asText();
        assertThat(instructions).as("Claude Code's billing line stays home").doesNotContain("x-anthropic-billing")
                .startsWith(request.path("system").get(1).path("text").asText());
        for (JsonNode block : request.path("system")) {
            if (block.path("text").asText().startsWith("x-anthropic-billing-header:")) {
                continue;
            }
            assertThat(responses.path("instructions").asText()).contains(block.path("text").asText());
        }
        assertThat(responses.path("input")).hasSize(1);
        JsonNode user = responses.path("input").get(0);
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("content")).hasSize(request.path("messages").get(0).path("content").size());
        assertThat(user.path("content").get(0).path("type").asText()).isEqualTo("input_text");
        assertThat(responses.path("max_output_tokens").asInt()).isEqualTo(128000);
        assertThat(responses.path("store").asBoolean(true)).isFalse();
        assertThat(responses.path("tools")).hasSize(12);
        assertThat(responses.path("tools").get(1).path("parameters")).isEqualTo(request.path("tools").get(1).path("input_schema"));
        assertThat(responses.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(responses.path("parallel_tool_calls").asBoolean()).isTrue();
        for (String dropped : new String[] {"thinking", "metadata", "context_management", "output_config", "system", "messages"}) {
            assertThat(responses.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void aToolLoopAsItems() {
        ObjectNode responses = Translation.of(ApiDialect.MESSAGES, ApiDialect.RESPONSES).request(json("{'model':'m',"
                + "'max_tokens':100,'messages':[{'role':'user','content':[{'type':'text','text':'see'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'AAA'}}]},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'anthropic thought','signature':'EqQB'},"
                + "{'type':'text','text':'Looking.'},{'type':'tool_use','id':'toolu_1','name':'Read','input':{'file_path':'/a'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':[{'type':'text','text':'A'},"
                + "{'type':'image','source':{'type':'url','url':'https://x/i.png'}}]}]}],"
                + "'tools':[{'name':'Read','input_schema':{'type':'object'}}],'tool_choice':{'type':'tool','name':'Read',"
                + "'disable_parallel_tool_use':true}}")).body();
        JsonNode input = responses.path("input");
        assertThat(input).hasSize(4);
        assertThat(input.get(0).path("content").get(1)).isEqualTo(json("{'type':'input_image','image_url':'data:image/png;base64,AAA'}"));
        assertThat(input.get(1)).as("Anthropic's thinking is dropped").isEqualTo(json("{'type':'message','role':'assistant',"
                + "'content':[{'type':'output_text','text':'Looking.'}]}"));
        assertThat(input.get(2)).isEqualTo(json("{'type':'function_call','call_id':'toolu_1','name':'Read',"
                + "'arguments':'{\\'file_path\\':\\'/a\\'}'}"));
        assertThat(input.get(3).path("call_id").asText()).isEqualTo("toolu_1");
        assertThat(input.get(3).path("output").get(1)).isEqualTo(json("{'type':'input_image','image_url':'https://x/i.png'}"));
        assertThat(responses.path("tool_choice")).isEqualTo(json("{'type':'function','name':'Read'}"));
        assertThat(responses.path("parallel_tool_calls").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-responses-sse.txt", "sample-responses-tool-sse.txt", "responses-reasoning-tools-sse.txt",
            "responses-failed-sse.txt", "responses-incomplete-sse.txt", "responses-done-only-sse.txt", "responses-truncated-sse.txt"})
    void everyCutOfTheUpstreamStreamGivesTheSameClientStream(String transcript) {
        byte[] upstream = upstream(transcript);
        String whole = new String(Sse.translate(call().events(), upstream, List.of()), StandardCharsets.UTF_8);
        MessagesGrammar.check(Sse.events(whole.getBytes(StandardCharsets.UTF_8)));
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(new String(Sse.translate(call().events(), upstream, List.of(cut)), StandardCharsets.UTF_8))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
        for (int size = 1; size <= 7; size++) {
            List<Integer> cuts = new ArrayList<>();
            for (int at = size; at < upstream.length; at += size) {
                cuts.add(at);
            }
            assertThat(new String(Sse.translate(call().events(), upstream, cuts), StandardCharsets.UTF_8)).isEqualTo(whole);
        }
    }

    @Test
    void theFixturesAnswers() {
        MessagesGrammar.Said text = said("sample-responses-sse.txt");
        assertThat(text.text()).isEqualTo("ECHO: say hi");
        assertThat(text.stopReason()).isEqualTo("end_turn");
        assertThat(text.usage().path("input_tokens").asInt()).isEqualTo(24);
        assertThat(text.usage().path("output_tokens").asInt()).isEqualTo(50);
        MessagesGrammar.Said tool = said("sample-responses-tool-sse.txt");
        assertThat(tool.tools()).extracting(MessagesGrammar.ToolUse::id).containsExactly("call_fake_eb7c3bf8fa034cd88356");
        assertThat(tool.tools().get(0).input().path("cmd").asText()).isEqualTo("ls");
        assertThat(tool.stopReason()).isEqualTo("tool_use");
    }

    @Test
    void reasoningParallelCallsAndCachedTokens() {
        MessagesGrammar.Said said = said("responses-reasoning-tools-sse.txt");
        assertThat(said.thinking()).isEqualTo("Plan: read, then list.\n\nGo.");
        assertThat(said.text()).isEqualTo("Doing two things ✓");
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::name).containsExactly("Read", "Bash");
        assertThat(said.tools().get(0).input().path("file_path").asText()).isEqualTo("/etc/hosts");
        assertThat(said.usage().path("input_tokens").asInt()).isEqualTo(5000 - 4096);
        assertThat(said.usage().path("cache_read_input_tokens").asInt()).isEqualTo(4096);
        assertThat(said.usage().path("output_tokens").asInt()).isEqualTo(120);
    }

    @Test
    void theReasoningItemGoesBackToTheUpstreamOnTheNextTurn() {
        List<Sse.Event> events = Sse.events(Sse.translate(call().events(), Sse.resource("responses-reasoning-tools-sse.txt"), List.of()));
        String signature = events.stream().filter(e -> "signature_delta".equals(e.data().path("delta").path("type").asText()))
                .map(e -> e.data().path("delta").path("signature").asText()).findFirst().orElseThrow();
        ObjectNode next = json("{'model':'m','max_tokens':10,'messages':[{'role':'user','content':'x'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'Plan.','signature':'" + signature + "'},"
                + "{'type':'tool_use','id':'call_r','name':'Read','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'call_r','content':'ok'}]}]}");
        JsonNode reasoning = Translation.of(ApiDialect.MESSAGES, ApiDialect.RESPONSES).request(next).body().path("input").get(1);
        assertThat(reasoning.path("type").asText()).isEqualTo("reasoning");
        assertThat(reasoning.path("id").asText()).isEqualTo("rs_1");
        assertThat(reasoning.path("encrypted_content").asText()).isEqualTo("gAAAAB-secret");
    }

    @Test
    void failedIncompleteDoneOnlyAndCutShort() {
        MessagesGrammar.Said failed = said("responses-failed-sse.txt");
        assertThat(failed.error().path("type").asText()).isEqualTo("rate_limit_error");
        MessagesGrammar.Said incomplete = said("responses-incomplete-sse.txt");
        assertThat(incomplete.stopReason()).isEqualTo("max_tokens");
        assertThat(incomplete.text()).isEqualTo("Cut off her");
        MessagesGrammar.Said doneOnly = said("responses-done-only-sse.txt");
        assertThat(doneOnly.tools()).extracting(MessagesGrammar.ToolUse::id).containsExactly("call_b");
        assertThat(doneOnly.tools().get(0).input().path("command").asText()).isEqualTo("ls");
        assertThat(said("responses-truncated-sse.txt").error().path("type").asText()).isEqualTo("api_error");
    }

    @Test
    void aWholeAnswer() {
        ObjectNode message = call().answer(json("{'id':'resp_1','object':'response','status':'completed','model':'gpt-5.5',"
                + "'output':[{'type':'reasoning','id':'rs_9','summary':[{'type':'summary_text','text':'think'}]},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Hi'}]},"
                + "{'type':'function_call','call_id':'call_9','name':'Bash','arguments':'{\\'command\\':\\'pwd\\'}'}],"
                + "'usage':{'input_tokens':100,'input_tokens_details':{'cached_tokens':40},'output_tokens':7,'total_tokens':107}}"));
        JsonNode content = message.path("content");
        assertThat(content.get(0).path("thinking").asText()).isEqualTo("think");
        assertThat(content.get(1).path("text").asText()).isEqualTo("Hi");
        assertThat(content.get(2)).isEqualTo(json("{'type':'tool_use','id':'call_9','name':'Bash','input':{'command':'pwd'}}"));
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("usage").path("input_tokens").asInt()).isEqualTo(60);
        assertThat(message.path("usage").path("cache_read_input_tokens").asInt()).isEqualTo(40);
    }
}
