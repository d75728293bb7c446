package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link RawJson} reads any body exactly as {@link StrictJson} does: random Messages requests of every shape
 * ({@link RandomMessagesShapes}), written plainly, pretty, with non-ASCII escaped or behind a byte order mark,
 * and half of them then broken at a random byte (cut short, a NUL, a bad UTF-8 byte, an encoded surrogate, a
 * raw control character, a stray quote or backslash, a member given twice), give the same tree or the same
 * refusal with the same words; and a request translated from its bytes (long strings raw) is the request
 * translated from its tree, on Chat and on Responses.
 */
class RawJsonPropertyTest {
    private static final JsonMapper PLAIN = JsonMapper.builder().build();
    private static final byte[][] BREAKERS = {{0}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF5}, {'"'}, {'\\'}, {'\\', 'x'}, {'\n'}, {1}, {'}'}, {','}, {(byte) 0xE2, (byte) 0x82}};

    @Example
    void claudeCodesRequestKeepsItsLongStringsRawAndItsShortOnesDecoded() throws Exception {
        ObjectNode request = RawJson.object(Fixtures.bytes("anthropic-messages-claude-code.json"));
        assertThat(request.path("system").get(1).path("text")).isInstanceOf(RawText.class);
        assertThat(request.path("tools").get(0).path("description")).isInstanceOf(RawText.class);
        assertThat(request.path("model")).isNotInstanceOf(RawText.class);
        assertThat(request.path("messages").get(0).path("role").textValue()).isEqualTo("user");
    }

    @Property
    void aBodyReadsAsStrictJsonReadsIt(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] body = written(RandomMessagesShapes.request(seed), random);
        if (random.nextBoolean()) {
            body = broken(body, random);
        }
        String strict;
        try {
            strict = PLAIN.writeValueAsString(StrictJson.object(body));
        } catch (UnreadableBodyException e) {
            strict = "refused: " + e.getMessage();
        }
        String raw;
        try {
            raw = PLAIN.writeValueAsString(PLAIN.readTree(Json.MAPPER.writeValueAsBytes(RawJson.object(body))));
        } catch (UnreadableBodyException e) {
            raw = "refused: " + e.getMessage();
        }
        assertThat(raw).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(strict);
    }

    @Property
    void aRequestTranslatesTheSameFromItsBytesAsFromItsTree(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        ObjectNode request = RandomMessagesShapes.request(seed);
        byte[] body = written(request, random);
        TranslationOptions options = random.nextBoolean() ? TranslationOptions.DEFAULTS : new TranslationOptions(1000, 4096);
        for (ApiDialect upstream : new ApiDialect[] {ApiDialect.CHAT, ApiDialect.RESPONSES}) {
            Translation translation = Translation.of(ApiDialect.MESSAGES, upstream, options);
            JsonNode fromBytes = translation.request(body).body();
            assertThat(fromBytes).as("%s on %s", request, upstream).isEqualTo(translation.request(request).body());
        }
    }

    private static byte[] written(ObjectNode request, Random random) throws IOException {
        ObjectWriter writer = random.nextInt(3) == 0 ? PLAIN.writerWithDefaultPrettyPrinter() : PLAIN.writer();
        if (random.nextInt(3) == 0) {
            writer = writer.with(JsonWriteFeature.ESCAPE_NON_ASCII);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(8) == 0) {
            out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        out.write(writer.writeValueAsBytes(request));
        if (random.nextInt(4) == 0) {
            out.write(" \n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static byte[] broken(byte[] body, Random random) {
        int at = random.nextInt(body.length + 1);
        switch (random.nextInt(4)) {
            case 0:
                return java.util.Arrays.copyOf(body, at);
            case 1: {
                String text = new String(body, StandardCharsets.UTF_8);
                int brace = text.indexOf('{', Math.min(at, text.length()));
                if (brace < 0) {
                    brace = text.indexOf('{');
                }
                return (text.substring(0, brace + 1) + "\"type\":\"x\",\"type\":\"y\"," + text.substring(brace + 1))
                        .replace(",}", "}").getBytes(StandardCharsets.UTF_8);
            }
            default: {
                byte[] breaker = BREAKERS[random.nextInt(BREAKERS.length)];
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(body, 0, at);
                out.writeBytes(breaker);
                int skip = random.nextInt(2) == 0 ? 0 : Math.min(1, body.length - at);
                out.write(body, at + skip, body.length - at - skip);
                return out.toByteArray();
            }
        }
    }
}
