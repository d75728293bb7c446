package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The request translators give, for the shared fixtures (Claude Code's request on Chat and Responses, Codex's
 * on Chat) and for {@value #SEEDS} random requests of every shape ({@link RandomMessagesShapes}) on Chat and
 * on Responses, with and without a cap, exactly the trees the tree-only translators gave before long strings
 * were copied raw: {@code translate/recorded-requests.txt} holds the SHA-256 of each expected tree (keys
 * sorted) as those recorded, and each case's bytes go through {@link Translation#request(byte[])} as the
 * proxy sends them.
 */
class RecordedTranslationTest {
    static final int SEEDS = 400;
    static final String RECORDED = "/translate/recorded-requests.txt";
    private static final TranslationOptions CAPPED = new TranslationOptions(32000, 8192);

    /** One request and the pair it is translated for. */
    record Case(String name, ApiDialect client, ApiDialect upstream, TranslationOptions options, ObjectNode request) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        ObjectNode claude = fixture("anthropic-messages-claude-code.json");
        cases.add(new Case("claude-code on chat", ApiDialect.MESSAGES, ApiDialect.CHAT, TranslationOptions.DEFAULTS, claude));
        cases.add(new Case("claude-code on responses", ApiDialect.MESSAGES, ApiDialect.RESPONSES, CAPPED, claude));
        cases.add(new Case("codex on chat", ApiDialect.RESPONSES, ApiDialect.CHAT, TranslationOptions.DEFAULTS,
                fixture("openai-responses-codex.json")));
        for (int seed = 0; seed < SEEDS; seed++) {
            TranslationOptions options = seed % 3 == 0 ? CAPPED : TranslationOptions.DEFAULTS;
            ObjectNode request = RandomMessagesShapes.request(seed);
            cases.add(new Case("seed " + seed + " on chat", ApiDialect.MESSAGES, ApiDialect.CHAT, options, request));
            cases.add(new Case("seed " + seed + " on responses", ApiDialect.MESSAGES, ApiDialect.RESPONSES, options, request));
        }
        return cases;
    }

    @Test
    void everyCaseGivesTheRecordedTree() throws Exception {
        Map<String, String> recorded = recorded();
        List<Case> cases = cases();
        assertThat(recorded).hasSize(cases.size());
        for (Case c : cases) {
            byte[] bytes = RandomJson.JSON.writeValueAsBytes(c.request());
            byte[] out = Translation.of(c.client(), c.upstream(), c.options()).request(bytes).bodyBytes();
            JsonNode tree = RandomJson.JSON.readTree(out);
            assertThat(sha256(tree)).as("%s: %s", c.name(), tree).isEqualTo(recorded.get(c.name()));
        }
    }

    private static Map<String, String> recorded() throws IOException {
        Map<String, String> recorded = new LinkedHashMap<>();
        try (InputStream in = RecordedTranslationTest.class.getResourceAsStream(RECORDED)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int tab = line.lastIndexOf('\t');
                if (tab > 0) {
                    recorded.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        return recorded;
    }

    static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = RecordedTranslationTest.class.getResourceAsStream("/fixtures/" + name)) {
            return (ObjectNode) RandomJson.JSON.readTree(in);
        }
    }

    /** The SHA-256 of the tree written with every object's keys sorted. */
    static String sha256(JsonNode tree) throws IOException, NoSuchAlgorithmException {
        byte[] canonical = RandomJson.JSON.writeValueAsBytes(sorted(tree));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(field -> fields.put(field.getKey(), sorted(field.getValue())));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }
}
