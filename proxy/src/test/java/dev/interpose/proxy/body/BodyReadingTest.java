package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyReadingTest {
    private static final byte[] CODEX = Fixtures.bytes("openai-responses-codex.json");

    private static byte[] deflate(byte[] data, boolean zlibWrapped) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlibWrapped))) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] decode(byte[] encoded, String coding, int max) {
        ByteBuf buf = Unpooled.wrappedBuffer(encoded);
        try {
            byte[] out = ContentCodings.decode(buf, coding, max);
            assertThat(buf.readerIndex()).isZero();
            return out;
        } finally {
            buf.release();
        }
    }

    @Test
    void everyAcceptedCodingDecodesToTheOriginal() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(CODEX);
        }
        assertThat(decode(gz.toByteArray(), "gzip", 1 << 20)).isEqualTo(CODEX);
        assertThat(decode(gz.toByteArray(), "x-gzip", 1 << 20)).isEqualTo(CODEX);
        assertThat(decode(deflate(CODEX, true), "deflate", 1 << 20)).isEqualTo(CODEX);
        assertThat(decode(deflate(CODEX, false), "deflate", 1 << 20)).as("raw deflate, as some clients send").isEqualTo(CODEX);
        assertThat(decode(Zstd.compress(CODEX), "zstd", 1 << 20)).isEqualTo(CODEX);
        assertThat(decode(Zstd.compress(CODEX), "ZSTD ", 1 << 20)).isEqualTo(CODEX);
        assertThat(ContentCodings.supported("br")).isFalse();
        assertThat(ContentCodings.supported(null)).isTrue();
    }

    @Test
    void aDecompressionBombStopsAtTheLimitAndGarbageIsABadRequest() {
        byte[] bomb = Zstd.compress(new byte[4 * 1024 * 1024]);
        assertThatThrownBy(() -> decode(bomb, "zstd", 1024 * 1024)).isInstanceOf(ProxyException.class)
                .satisfies(e -> assertThat(((ProxyException) e).kind()).isEqualTo(ErrorKind.BODY_TOO_LARGE));
        assertThatThrownBy(() -> decode("plain".getBytes(StandardCharsets.UTF_8), "gzip", 1024))
                .isInstanceOf(ProxyException.class)
                .satisfies(e -> assertThat(((ProxyException) e).kind()).isEqualTo(ErrorKind.BAD_REQUEST));
    }

    @Test
    void theModelIsFoundWhereverItStandsAndBadBodiesHaveNone() {
        assertThat(ModelPeek.of(Fixtures.bytes("anthropic-messages-claude-code.json"))).isEqualTo("claude-opus-5-5");
        // model after a large key: beyond the first bytes parsed from a direct buffer
        String late = "{\"input\":\"" + "x".repeat(10_000) + "\",\"nested\":{\"model\":\"no\"},\"model\":\"gpt-late\"}";
        ByteBuf direct = Unpooled.directBuffer().writeBytes(late.getBytes(StandardCharsets.UTF_8));
        try {
            assertThat(ModelPeek.of(direct)).isEqualTo("gpt-late");
            assertThat(direct.readerIndex()).isZero();
        } finally {
            direct.release();
        }
        assertThat(ModelPeek.of("[1,2]".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ModelPeek.of("{\"model\":42}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ModelPeek.of("{\"model\":".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ModelPeek.of(new byte[0])).isNull();
    }
}
