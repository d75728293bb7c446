package dev.interpose.proxy.body;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelPeek}'s byte scan never changes its answer: on random JSON objects (top-level and nested
 * names that are, or are spelled as, or nearly are {@code model}; strings with quotes, backslashes and
 * non-ASCII; random whitespace) it answers exactly what reading every top-level member with Jackson
 * answers (the model, none, or a refusal of a second one), from a heap array and from direct buffers cut
 * at random bytes; on the same bodies damaged at a random byte, whenever that whole read finds a second
 * top-level model, so does the peek. Tries: {@code jqwik.tries.default}.
 */
class ModelPeekPropertyTest {
    private static final String DUPLICATE = "<duplicate>";
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000)
                    .maxNumberLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();
    private static final byte[] OVERLONG_E = {'"', 'm', 'o', 'd', (byte) 0xC1, (byte) 0xA5, 'l', '"'};

    /** What reading every top-level member says: the model, null, or {@link #DUPLICATE}. */
    private static String wholeRead(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            boolean seen = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(field)) {
                    if (seen) {
                        return DUPLICATE;
                    }
                    seen = true;
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null ? model : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String peek(byte[] body) {
        try {
            return ModelPeek.of(body);
        } catch (ProxyException e) {
            assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
            return DUPLICATE;
        }
    }

    /** The peek of {@code body} from pooled direct buffers cut at {@code cuts}. */
    private static String peekDirect(byte[] body, List<Integer> cuts) {
        CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(cuts.size() + 1);
        try {
            int at = 0;
            for (int i = 0; i <= cuts.size() && at < body.length; i++) {
                int end = i < cuts.size() ? Math.min(body.length, at + cuts.get(i)) : body.length;
                ByteBuf part = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, end - at));
                part.writeBytes(body, at, end - at);
                composite.addComponent(true, part);
                at = end;
            }
            if (composite.readableBytes() == 0) {
                return ModelPeek.of(composite);
            }
            int reader = composite.readerIndex();
            try {
                return ModelPeek.of(composite);
            } catch (ProxyException e) {
                return DUPLICATE;
            } finally {
                assertThat(composite.readerIndex()).isEqualTo(reader);
            }
        } finally {
            composite.release();
        }
    }

    // --- random JSON, written by hand so that names keep the spelling they were given ---

    private static final String[] NAMES = {"\"model\"", "\"mod\\u0065l\"", "\"\\u006dodel\"", "\"mode\"", "\"models\"",
        "\"Model\"", "\"modeL\"", "\"messages\"", "\"a\\\"b\"", "\"\\\\\"", "\"\u00e9t\u00e9\"", "\"\"", "\"tools\"",
        "\"m\\/odel\"", "\"mod\\\\el\""};
    private static final String[] STRINGS = {"\"claude\"", "\"model\"", "\"with \\\" a quote\"", "\"back\\\\\"",
        "\"\\u0022\"", "\"\\\\u0022\"", "\"\u65e5\u672c\u8a9e \ud83d\ude00\"", "\"\\n\\t\\r\"", "\"}]{[,:\"",
        "\"" + "filler text, ".repeat(40) + "\"", "\"\\\"model\\\":\\\"x\\\"\""};
    private static final String[] SPACE = {"", "", "", " ", "\n  ", "\t", "\r\n"};

    private Arbitrary<String> value(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(Arbitraries.of(STRINGS), Arbitraries.of("0", "-1.5e3", "true",
                "false", "null", "123456789012345678901234567890"));
        if (depth >= 4) {
            return leaf;
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, leaf),
                net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> object(depth + 1, 4))),
                net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> value(depth + 1)).list().ofMaxSize(4)
                        .map(items -> "[" + String.join(",", items) + "]")));
    }

    private Arbitrary<String> object(int depth, int maxMembers) {
        Arbitrary<String> member = Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(SPACE),
                Arbitraries.lazy(() -> value(depth + 1)), Arbitraries.of(SPACE))
                .as((name, s1, value, s2) -> s1 + name + s2 + ":" + s1 + value + s2);
        return member.list().ofMaxSize(maxMembers).map(members -> "{" + String.join(",", members) + "}");
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        // Half of them name a model first, as the CLIs do; the rest may name it anywhere, or twice.
        return Combinators.combine(Arbitraries.of(SPACE), Arbitraries.of("", "\"model\":\"claude-x\","), object(0, 7),
                Arbitraries.of(SPACE)).as((before, first, body, after) -> (before + (body.equals("{}") ? body
                        : "{" + first + body.substring(1)) + after).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 300).list().ofMaxSize(20);
    }

    @Property
    void onJsonObjectsThePeekAnswersWhatTheWholeReadAnswers(@ForAll("bodies") byte[] body,
            @ForAll("cuts") List<Integer> cuts) {
        String expected = wholeRead(body);
        Statistics.collect(expected == null ? "none" : expected.equals(DUPLICATE) ? "second model" : "a model",
                ModelCandidates.count(body, 0, body.length) == ModelCandidates.UNSURE ? "unsure" : "scanned");
        assertThat(peek(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(peekDirect(body, cuts)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> bytes = Arbitraries.of((byte) '"', (byte) '\\', (byte) '{', (byte) '}', (byte) '[',
                (byte) ']', (byte) ',', (byte) ':', (byte) 'x', (byte) '/', (byte) 0xC1, (byte) 0xA5, (byte) 0xEF)
                .array(byte[].class).ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(bodies(), Arbitraries.integers().between(0, 10_000), bytes,
                Arbitraries.integers().between(0, 3)).as((body, where, insert, drop) -> {
                    int at = Math.min(where, body.length);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(body, 0, at);
                    out.writeBytes(insert);
                    int rest = Math.min(body.length, at + drop);
                    out.write(body, rest, body.length - rest);
                    return out.toByteArray();
                });
    }

    @Property
    void onDamagedBodiesASecondTopLevelModelIsNeverMissed(@ForAll("damaged") byte[] body,
            @ForAll("cuts") List<Integer> cuts) {
        String whole = wholeRead(body);
        String peek = peek(body);
        Statistics.collect(whole == null ? "none" : whole.equals(DUPLICATE) ? "second model" : "a model");
        assertThat(peekDirect(body, cuts)).isEqualTo(peek);
        if (DUPLICATE.equals(whole)) {
            assertThat(peek).as(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(DUPLICATE);
        }
    }

    // --- cases worth naming ---

    @Test
    void theClaudeCodeRequestWithAModelPropertyInItsToolsTakesTheScanAlone() {
        byte[] body = Fixtures.bytes("anthropic-messages-claude-code.json");
        assertThat(new String(body, StandardCharsets.UTF_8).indexOf("\"model\"", 10)).isPositive(); // nested
        assertThat(ModelCandidates.count(body, 0, body.length)).isEqualTo(1);
        assertThat(ModelPeek.of(body)).isEqualTo("claude-opus-5-5");
        byte[] codex = Fixtures.bytes("openai-responses-codex.json");
        assertThat(ModelCandidates.count(codex, 0, codex.length)).isEqualTo(1);
    }

    @Test
    void everySpellingOfASecondTopLevelModelIsRefused() {
        Set<String> seconds = new HashSet<>(List.of("\"model\"", "\"mod\\u0065l\"", "\"\\u006D\\u006F\\u0064\\u0065\\u006C\""));
        for (String second : seconds) {
            byte[] body = ("{\"model\":\"a\",\"x\":[\"" + "y".repeat(20_000) + "\"]," + second + ":\"b\"}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(ModelCandidates.count(body, 0, body.length)).as(second).isEqualTo(2);
            assertThat(peek(body)).as(second).isEqualTo(DUPLICATE);
            assertThat(peekDirect(body, List.of(16_384 - 3, 7))).as(second).isEqualTo(DUPLICATE);
        }
        // An overlong UTF-8 form of "e": not UTF-8, but Jackson reads it as an e, so the scan must not trust it.
        ByteArrayOutputStream overlong = new ByteArrayOutputStream();
        overlong.writeBytes("{\"model\":\"a\",".getBytes(StandardCharsets.US_ASCII));
        overlong.writeBytes(OVERLONG_E);
        overlong.writeBytes(":\"b\"}".getBytes(StandardCharsets.US_ASCII));
        byte[] body = overlong.toByteArray();
        assertThat(ModelCandidates.count(body, 0, body.length)).isEqualTo(2);
        assertThat(peek(body)).isEqualTo(wholeRead(body));
    }

    @Test
    void escapesAreFollowedExactlyEvenAcrossTheScansWindow() {
        // A string ending in an escaped backslash ends at the next quote; an escaped quote does not end it.
        for (String text : List.of("{\"model\":\"a\",\"x\":\"\\\\\",\"model\":\"b\"}",
                "{\"model\":\"a\",\"x\":[\"\\\\\"],\"model\":\"b\"}")) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            assertThat(wholeRead(body)).as(text).isEqualTo(DUPLICATE);
            assertThat(peek(body)).as(text).isEqualTo(DUPLICATE);
        }
        for (String text : List.of("{\"model\":\"a\",\"x\":[\"\\\"],\\\"model\\\":\\\"b\"]}",
                "{\"model\":\"a\",\"x\":\"\\\"}, \\\"model\\\": \\\"b\"}")) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            assertThat(wholeRead(body)).as(text).isEqualTo("a");
            assertThat(peek(body)).as(text).isEqualTo("a");
        }
        // A direct buffer is scanned through a 16 KiB window: put the escape on its edge, byte by byte.
        String head = "{\"model\":\"a\",\"x\":\"";
        for (int pad = 16_384 - head.length() - 4; pad <= 16_384 - head.length() + 2; pad++) {
            byte[] body = (head + "p".repeat(pad) + "\\\\\",\"model\":\"b\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(peekDirect(body, List.of(body.length))).as("pad %d", pad).isEqualTo(DUPLICATE);
            byte[] quoted = (head + "p".repeat(pad) + "\\\",\\\"model\\\":\\\"b\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(peekDirect(quoted, List.of(quoted.length))).as("pad %d", pad).isEqualTo("a");
        }
    }

    @Test
    void whatTheScanCannotFollowGoesToTheWholeRead() {
        List<String> unsure = new ArrayList<>(List.of("\uFEFF{\"model\":\"a\"}", "{\"model\":\"a\"} {\"model\":\"b\"}",
                "{\"model\":\"a\",\"x\":1 /* c */}", "{\"model\":\"a\",\"x\":[}", "{\"model\":\"a\"", "[1]",
                "{\"model\":\"a\",\"x\":" + "[".repeat(1100) + "]".repeat(1100) + "}"));
        for (String text : unsure) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            assertThat(ModelCandidates.count(body, 0, body.length)).as(text).isEqualTo(ModelCandidates.UNSURE);
            assertThat(peek(body)).as(text).isEqualTo(wholeRead(body));
        }
        assertThat(peek("\uFEFF{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo("a");
    }
}
