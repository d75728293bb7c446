package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one body object a request's stages share: its JSON read once, its model, and what a rewrite makes. */
class RequestBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTreeIsReadOnceAndThenSharedAndAskingWhetherItWasReadDoesNotReadIt() throws Exception {
        RequestBody body = RequestBody.of("{\"model\":\"m1\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(body.jsonIfRead()).isNull();
        assertThat(body.model()).as("by the byte scan, nothing read").isEqualTo("m1");
        assertThat(body.jsonIfRead()).isNull();
        ObjectNode first = body.json();
        assertThat(body.json()).isSameAs(first);
        assertThat(body.jsonIfRead()).isSameAs(first);
        assertThat(first).isEqualTo(JSON.readTree("{\"model\":\"m1\",\"messages\":[]}"));
    }

    @Test
    void anUnreadableBodyGivesTheSameReasonEveryTimeWithoutReadingItAgain() {
        RequestBody body = RequestBody.of("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8));
        UnreadableBodyException first = null;
        try {
            body.json();
        } catch (UnreadableBodyException e) {
            first = e;
        }
        assertThat(first).isNotNull();
        assertThat(first.getMessage()).contains("appears twice");
        UnreadableBodyException seen = first;
        assertThatThrownBy(body::json).isSameAs(seen);
        assertThat(body.jsonIfRead()).isNull();
    }

    @Test
    void aRewrittenBodyCarriesItsTreeAndTakesItsModelFromIt() throws Exception {
        ObjectNode tree = JSON.createObjectNode().put("model", "chosen").put("stream", true);
        byte[] bytes = JSON.writeValueAsBytes(tree);
        RequestBody body = RequestBody.rewritten(bytes, tree);
        assertThat(body.jsonIfRead()).isSameAs(tree);
        assertThat(body.json()).isSameAs(tree);
        assertThat(body.bytes()).isSameAs(bytes);
        assertThat(body.model()).isEqualTo("chosen");
        tree.put("model", "changed in the tree");
        assertThat(body.model()).as("the tree, not a scan of the bytes, answers once it is read")
                .isEqualTo("changed in the tree");
    }

    @Test
    void aCopyOutlivesTheBufferItCameFrom() {
        ByteBuf content = Unpooled.copiedBuffer("{\"model\":\"m\"}", StandardCharsets.UTF_8);
        content.readByte(); // only the readable bytes are the body's
        RequestBody body = RequestBody.copyOf(content);
        content.release();
        assertThat(new String(body.bytes(), StandardCharsets.UTF_8)).isEqualTo("\"model\":\"m\"}");
    }
}
