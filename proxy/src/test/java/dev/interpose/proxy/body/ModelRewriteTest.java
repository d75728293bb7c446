package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelRewriteTest {

    private static String rewrite(String body, int offset, String model) {
        // A pooled direct buffer with bytes before the reader index: the offsets must be relative to it.
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        buf.writeZero(offset).skipBytes(offset);
        buf.writeCharSequence(body, StandardCharsets.UTF_8);
        try {
            ByteBuf out = ModelRewrite.apply(buf, model);
            if (out == null) {
                return null;
            }
            try {
                assertThat(buf.readerIndex()).isEqualTo(offset);
                return out.toString(StandardCharsets.UTF_8);
            } finally {
                out.release();
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void onlyTheModelValueChangesEveryOtherByteStays() {
        String body = "{ \"stream\" : true,\n  \"model\":\t\"claude-haiku-4-5\" , \"n\": 1.50e0, \"é\": \"\\u00e9\"}";
        assertThat(rewrite(body, 7, "my-local-model"))
                .isEqualTo("{ \"stream\" : true,\n  \"model\":\t\"my-local-model\" , \"n\": 1.50e0, \"é\": \"\\u00e9\"}");
        assertThat(rewrite("{\"model\":\"a\\\"b\",\"x\":1}", 0, "c")).isEqualTo("{\"model\":\"c\",\"x\":1}");
        assertThat(rewrite("{\"model\":\"a\"}", 0, "quote\" and é")).isEqualTo("{\"model\":\"quote\\\" and é\"}");
    }

    @Test
    void aNestedModelIsNotTheRequestsModel() {
        assertThat(rewrite("{\"metadata\":{\"model\":\"x\"},\"model\":\"y\"}", 0, "z"))
                .isEqualTo("{\"metadata\":{\"model\":\"x\"},\"model\":\"z\"}");
        assertThat(rewrite("{\"metadata\":{\"model\":\"x\"}}", 0, "z")).isNull();
        assertThat(rewrite("{\"model\":42}", 0, "z")).isNull();
        assertThat(rewrite("[\"model\"]", 0, "z")).isNull();
        assertThat(rewrite("not json", 0, "z")).isNull();
    }

    @Test
    void aRealCodexBodyKeepsItsOtherBytes() {
        byte[] original = Fixtures.bytes("openai-responses-codex.json");
        String text = new String(original, StandardCharsets.UTF_8);
        String model = ModelPeek.of(original);
        ByteBuf in = Unpooled.wrappedBuffer(original);
        ByteBuf out = ModelRewrite.apply(in, "gpt-5-mini");
        try {
            String expected = text.replaceFirst("\"model\"\\s*:\\s*\"" + java.util.regex.Pattern.quote(model) + "\"",
                    "\"model\":\"gpt-5-mini\"");
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(ModelPeek.of(ByteBufUtil.getBytes(out))).isEqualTo("gpt-5-mini");
        } finally {
            out.release();
            in.release();
        }
    }
}
