package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.interpose.proxy.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long {@link ModelPeek} takes on the Claude Code request fixture (47 KB), next to the whole streaming
 * read it replaced in the common case, on a heap array, on one direct buffer, and on the composite of 8 KiB
 * direct buffers the request aggregator builds: warmed up, then the median of many rounds, the two taking
 * turns round by round so that a busy machine slows both alike. Not a test of behaviour and not run by
 * default: {@code mvn -o -q -pl proxy -am test -Dtest=ModelPeekTiming -Dtiming=true}. The buffers are
 * wrapped, not allocated, so the paranoid leak detector of the test JVM does not record every read.
 */
@EnabledIfSystemProperty(named = "timing", matches = "true")
class ModelPeekTiming {
    private static final int WARMUP = 30_000;
    private static final int ROUNDS = 401;
    private static final int PER_ROUND = 100;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000)
                    .maxNumberLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();

    @Test
    void claudeCodeRequest() {
        byte[] body = Fixtures.bytes("anthropic-messages-claude-code.json");
        ByteBuf direct = Unpooled.wrappedBuffer(copyToDirect(body, 0, body.length));
        CompositeByteBuf composite = new CompositeByteBuf(UnpooledByteBufAllocator.DEFAULT, true, 64);
        for (int at = 0; at < body.length; at += 8192) {
            composite.addComponent(true, Unpooled.wrappedBuffer(copyToDirect(body, at, Math.min(8192, body.length - at))));
        }
        compare("heap byte[]", () -> ModelPeek.of(body), () -> wholeRead(body));
        compare("heap: the scan alone", () -> ModelCandidates.count(body, 0, body.length) == 1 ? "claude-opus-5-5" : null,
                () -> wholeRead(body));
        compare("direct ByteBuf", () -> ModelPeek.of(direct), () -> wholeRead(direct));
        compare("composite of 8 KiB direct", () -> ModelPeek.of(composite), () -> wholeRead(composite));
        direct.release();
        composite.release();
    }

    private static ByteBuffer copyToDirect(byte[] bytes, int from, int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        buffer.put(bytes, from, length).flip();
        return buffer;
    }

    private static void compare(String what, Supplier<String> now, Supplier<String> before) {
        for (int i = 0; i < WARMUP; i++) {
            assertThat(now.get()).isEqualTo("claude-opus-5-5");
            assertThat(before.get()).isEqualTo("claude-opus-5-5");
        }
        double[] nowUs = new double[ROUNDS];
        double[] beforeUs = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            nowUs[r] = round(now);
            beforeUs[r] = round(before);
        }
        Arrays.sort(nowUs);
        Arrays.sort(beforeUs);
        System.out.printf("ModelPeek %-26s median %6.2f µs (p10 %6.2f, p90 %6.2f); whole read %6.2f µs (p10 %6.2f,"
                + " p90 %6.2f)%n", what, nowUs[ROUNDS / 2], nowUs[ROUNDS / 10], nowUs[ROUNDS * 9 / 10],
                beforeUs[ROUNDS / 2], beforeUs[ROUNDS / 10], beforeUs[ROUNDS * 9 / 10]);
    }

    private static double round(Supplier<String> peek) {
        long start = System.nanoTime();
        int found = 0;
        for (int i = 0; i < PER_ROUND; i++) {
            found += peek.get() != null ? 1 : 0;
        }
        double us = (System.nanoTime() - start) / 1000.0 / PER_ROUND;
        assertThat(found).isEqualTo(PER_ROUND);
        return us;
    }

    /** What ModelPeek did for every body before the scan: read every top-level member to the end. */
    private static String wholeRead(byte[] body) {
        try {
            return whole(JSON.createParser(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String wholeRead(ByteBuf body) {
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return whole(JSON.createParser(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String whole(JsonParser parser) throws IOException {
        try (parser) {
            parser.nextToken();
            String model = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(field)) {
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return parser.nextToken() == null ? model : null;
        }
    }
}
