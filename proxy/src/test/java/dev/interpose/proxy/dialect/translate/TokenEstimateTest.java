package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The count_tokens estimate for upstreams that cannot count. */
class TokenEstimateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void claudeCodesRequestIsAboutAQuarterOfItsBytes() throws IOException {
        byte[] bytes = Fixtures.bytes("anthropic-messages-claude-code.json");
        long tokens = TokenEstimate.countTokensAnswer(JSON.readTree(bytes)).path("input_tokens").asLong();
        assertThat(tokens).isBetween(bytes.length / 6L, bytes.length / 3L);
    }

    @Test
    void moreTextImagesAndToolsCountMore() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"12345678\"}]}");
        long base = TokenEstimate.inputTokens(request);
        assertThat(base).isEqualTo(4 + 2);
        request.put("system", "a".repeat(400));
        assertThat(TokenEstimate.inputTokens(request)).isEqualTo(base + 100);
        request.withArray("messages").addObject().put("role", "user").putArray("content").addObject().put("type", "image");
        assertThat(TokenEstimate.inputTokens(request)).isEqualTo(base + 100 + 4 + TokenEstimate.PER_IMAGE);
        request.putArray("tools").addObject().put("name", "Bash").put("description", "x".repeat(396));
        assertThat(TokenEstimate.inputTokens(request)).isEqualTo(base + 100 + 4 + TokenEstimate.PER_IMAGE + 100);
        assertThat(TokenEstimate.inputTokens(JSON.createObjectNode())).isZero();
    }
}
