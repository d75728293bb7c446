package dev.interpose.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.CacheConfig;
import dev.interpose.config.Dialect;
import dev.interpose.proxy.Fixtures;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** What makes two requests the same to the cache, and what never does. */
class KeyBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyBuilder KEYS = new KeyBuilder(CacheConfig.DEFAULT_IGNORE);

    private static CacheKey key(String body, HttpHeaders headers) {
        return KEYS.key(Dialect.ANTHROPIC, "anthropic", "POST", "/v1/messages", "m", headers,
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    @Test
    void memberOrderNeverMattersAndEveryValueDoes() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            ObjectNode tree = JsonNodeFactory.instance.objectNode(); // a request body is an object
            tree.set("model", tree(random, 1));
            tree.set("messages", tree(random, 0));
            String written = JSON.writeValueAsString(tree);
            String shuffled = JSON.writeValueAsString(shuffle(tree, random));
            assertThat(key(shuffled, headers())).as(written).isEqualTo(key(written, headers()));
            String changed = JSON.writeValueAsString(changeOneScalar(tree.deepCopy(), random));
            if (!changed.equals(written)) {
                assertThat(key(changed, headers())).as(written + " vs " + changed).isNotEqualTo(key(written, headers()));
            }
        }
    }

    @Test
    void aBodyWhoseTreeWasReadIsKeyedFromTheTreeAsItsBytesWouldBe() throws Exception {
        Random random = new Random(11);
        KeyBuilder globs = new KeyBuilder(List.of("/k1/*/k2", "/k3=k1*", "/*/0", "/system/*/text=k*"));
        for (int i = 0; i < 500; i++) {
            ObjectNode tree = JsonNodeFactory.instance.objectNode();
            tree.set("model", tree(random, 1));
            tree.set("k" + random.nextInt(4), tree(random, 0));
            tree.set("system", JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode()
                    .put("text", name(random) + (random.nextBoolean() ? "\u0001\t\n\u2028\ud83d\ude00" : ""))));
            byte[] written = JSON.writeValueAsBytes(tree); // as a hook's rewrite is written
            for (KeyBuilder keys : List.of(KEYS, globs)) {
                CacheKey fromBytes = keys.key(Dialect.ANTHROPIC, "u", "POST", "/v1/messages", "m", headers(), written);
                dev.interpose.proxy.body.RequestBody read = dev.interpose.proxy.body.RequestBody.of(written);
                read.json();
                assertThat(keys.key(Dialect.ANTHROPIC, "u", "POST", "/v1/messages", "m", headers(), read))
                        .as(new String(written, StandardCharsets.UTF_8)).isEqualTo(fromBytes);
                // the tree alone makes the key: bytes that say something else are not read again
                dev.interpose.proxy.body.RequestBody rewritten = dev.interpose.proxy.body.RequestBody.rewritten(
                        "not json at all".getBytes(StandardCharsets.UTF_8), tree);
                assertThat(keys.key(Dialect.ANTHROPIC, "u", "POST", "/v1/messages", "m", headers(), rewritten))
                        .isEqualTo(fromBytes);
            }
        }
    }

    @Test
    void theDefaultIgnoreRulesLeaveOutWhatTheCliChangesOnEveryRun() throws Exception {
        ObjectNode claude = (ObjectNode) JSON.readTree(Fixtures.bytes("anthropic-messages-claude-code.json"));
        ObjectNode again = claude.deepCopy();
        ((ObjectNode) again.get("system").get(0)).put("text", "x-anthropic-billing-header: cc_version=2.1; cch=f00d;");
        ((ObjectNode) again.get("metadata")).put("user_id", "{\"session_id\":\"another\"}");
        assertThat(key(JSON.writeValueAsString(again), headers())).isEqualTo(key(JSON.writeValueAsString(claude), headers()));
        ((ObjectNode) again.get("system").get(1)).put("text", "x-anthropic-billing-header is only left out at its place");
        assertThat(key(JSON.writeValueAsString(again), headers())).isNotEqualTo(key(JSON.writeValueAsString(claude), headers()));

        ObjectNode codex = (ObjectNode) JSON.readTree(Fixtures.bytes("openai-responses-codex.json"));
        ObjectNode next = codex.deepCopy();
        next.put("prompt_cache_key", "another-session");
        ((ObjectNode) next.get("client_metadata")).put("turn_id", "another-turn");
        for (JsonNode item : next.get("input")) {
            if (item.has("id")) {
                ((ObjectNode) item).put("id", "msg_" + item.get("id").asText().hashCode());
            }
        }
        assertThat(key(JSON.writeValueAsString(next), headers())).isEqualTo(key(JSON.writeValueAsString(codex), headers()));
        ((ObjectNode) next.get("input").get(next.get("input").size() - 1).get("content").get(0)).put("text", "say ho");
        assertThat(key(JSON.writeValueAsString(next), headers())).isNotEqualTo(key(JSON.writeValueAsString(codex), headers()));
    }

    @Test
    void credentialsAndAnswerChangingHeadersSeparateKeysButTheCredentialIsNeverInOne() {
        String body = "{\"model\":\"m\",\"messages\":[]}";
        CacheKey alice = key(body, headers("x-api-key", "sk-alice-secret"));
        assertThat(key(body, headers("x-api-key", "sk-alice-secret"))).isEqualTo(alice);
        assertThat(key(body, headers("x-api-key", "sk-bob"))).isNotEqualTo(alice);
        assertThat(key(body, headers("authorization", "sk-alice-secret"))).isNotEqualTo(alice);
        assertThat(key(body, headers("x-api-key", "sk-alice-secret", "anthropic-beta", "b1"))).isNotEqualTo(alice);
        assertThat(key(body, headers("x-api-key", "sk-alice-secret", "user-agent", "other"))).isEqualTo(alice);
        assertThat(new String(keyBytes(alice), StandardCharsets.ISO_8859_1)).doesNotContain("sk-alice-secret");
    }

    @Test
    void everyHeaderThatMayIdentifyTheCallerOrTheAccountSeparatesKeys() {
        String body = "{\"model\":\"gpt-5\",\"input\":[]}";
        CacheKey codex = key(body, headers("authorization", "Bearer shared", "chatgpt-account-id", "acct-alice"));
        assertThat(key(body, headers("authorization", "Bearer shared", "chatgpt-account-id", "acct-bob")))
                .as("the ChatGPT path: one bearer, two accounts").isNotEqualTo(codex);
        assertThat(key(body, headers("Authorization", "Bearer shared", "ChatGPT-Account-Id", "acct-alice")))
                .as("names in any case").isEqualTo(codex);
        assertThat(key(body, headers("chatgpt-account-id", "acct-alice", "authorization", "Bearer shared")))
                .as("in any order").isEqualTo(codex);
        CacheKey gemini = key(body, headers("x-goog-api-key", "AIza-alice"));
        assertThat(key(body, headers("x-goog-api-key", "AIza-bob"))).isNotEqualTo(gemini);
        assertThat(key(body, headers())).isNotEqualTo(gemini);
        for (String name : List.of("x-auth-token", "x-tenant-id", "x-forwarded-user", "openai-organization",
                "x-session-token", "proxy-authorization", "x-amz-security-token", "x-user-email")) {
            assertThat(key(body, headers(name, "one"))).as(name).isNotEqualTo(key(body, headers(name, "two")));
        }
        for (String name : List.of("x-request-id", "x-client-request-id", "x-stainless-retry-count", "user-agent",
                "x-claude-code-session-id", "session-id", "thread-id", "x-codex-turn-metadata", "originator")) {
            assertThat(key(body, headers(name, "one"))).as(name).isEqualTo(key(body, headers(name, "two")));
        }
        assertThat(new String(keyBytes(codex), StandardCharsets.ISO_8859_1)).doesNotContain("acct-alice");
    }

    /** Header names that look like a credential: a marker, in any case, amid other name characters. */
    @Provide
    Arbitrary<String> identifyingNames() {
        Arbitrary<String> affix = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_")
                .ofMaxLength(8);
        Arbitrary<String> marker = Arbitraries.of(KeyBuilder.IDENTITY_MARKERS).flatMap(m -> Arbitraries.integers()
                .between(0, (1 << m.length()) - 1).map(caseBits -> recase(m, caseBits)));
        return Combinators.combine(affix, marker, affix).as((a, m, b) -> a + m + b)
                .filter(n -> !KeyBuilder.NOT_IDENTITY.contains(n.toLowerCase(java.util.Locale.ROOT)));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40);
    }

    @Property
    void aHeaderThatLooksLikeACredentialAlwaysSeparatesKeys(@ForAll("identifyingNames") String name,
            @ForAll("values") String one, @ForAll("values") String two, @ForAll boolean withKey) {
        net.jqwik.api.Assume.that(!one.equals(two));
        String[] base = withKey ? new String[] {"x-api-key", "sk-shared"} : new String[0];
        String body = "{\"model\":\"m\",\"messages\":[]}";
        CacheKey first = key(body, headers(concat(base, name, one)));
        assertThat(KeyBuilder.identifies(name)).as(name).isTrue();
        assertThat(key(body, headers(concat(base, name, two)))).as(name + ": " + one + " vs " + two)
                .isNotEqualTo(first);
        assertThat(key(body, headers(concat(base, name, one)))).isEqualTo(first);
        if (one.length() >= 12) {
            assertThat(new String(keyBytes(first), StandardCharsets.ISO_8859_1)).doesNotContain(one);
        }
    }

    @Property
    void aHeaderThatIdentifiesNoOneNeverSplitsAKey(@ForAll("plainNames") String name, @ForAll("values") String one,
            @ForAll("values") String two) {
        String body = "{\"model\":\"m\",\"messages\":[]}";
        assertThat(key(body, headers("x-api-key", "k", name, one))).as(name)
                .isEqualTo(key(body, headers("x-api-key", "k", name, two)));
    }

    @Provide
    Arbitrary<String> plainNames() {
        return Arbitraries.strings().withChars("abcdefhimnqrvwxz-").ofMinLength(1).ofMaxLength(20)
                .filter(n -> !KeyBuilder.identifies(n) && !KeyBuilder.HEADERS.contains(n));
    }

    /** Bodies a hostile client may send: random bytes, JSON nested past any sane depth, absurd numbers, broken text. */
    @Provide
    Arbitrary<byte[]> hostileBodies() {
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        Arbitrary<byte[]> deep = Combinators.combine(Arbitraries.integers().between(1, 200_000), Arbitraries.of("[", "{\"a\":",
                "[{\"b\":"), Arbitraries.of(true, false)).as((depth, open, closed) -> {
                    StringBuilder b = new StringBuilder().append(open.repeat(depth)).append("1");
                    if (closed) {
                        for (int i = 0; i < depth; i++) {
                            b.append(open.equals("[") ? "]" : open.equals("{\"a\":") ? "}" : "}]");
                        }
                    }
                    return b.toString().getBytes(StandardCharsets.UTF_8);
                });
        Arbitrary<byte[]> numbers = Combinators.combine(Arbitraries.of("", "-", "0.", "1e", "1E-", "-0."),
                Arbitraries.integers().between(1, 100_000), Arbitraries.of("", "e999999999", ".5", "e-99999"))
                .as((sign, digits, tail) -> ("{\"n\":" + sign + "9".repeat(digits) + tail + ",\"m\":[1e308,-1e-400]}")
                        .getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> broken = Arbitraries.strings().withChars("{}[]\":,\\\"ue0123aé\u0000\ud800 ").ofMaxLength(300)
                .map(t -> ("{\"a\":" + t).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(randomBytes, deep, numbers, broken);
    }

    @Property
    void aHostileBodyNeverThrowsAndItsKeyNeverHoldsTheCredential(@ForAll("hostileBodies") byte[] body) {
        KeyBuilder strict = new KeyBuilder(List.of("/a/*/b", "/n=9*", "/*/0"));
        HttpHeaders credentials = headers("x-api-key", "sk-hostile-0123456789", "chatgpt-account-id", "acct-hostile-42");
        for (KeyBuilder keys : List.of(KEYS, strict)) {
            CacheKey one = keys.key(Dialect.OPENAI, "openai", "POST", "/v1/responses", null, credentials, body);
            CacheKey two = keys.key(Dialect.OPENAI, "openai", "POST", "/v1/responses", null, credentials, body.clone());
            assertThat(two).isEqualTo(one);
            if (one != null) {
                String text = new String(keyBytes(one), StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain("sk-hostile-0123456789").doesNotContain("acct-hostile-42");
            }
        }
    }

    private static String recase(String marker, int bits) {
        StringBuilder b = new StringBuilder(marker.length());
        for (int i = 0; i < marker.length(); i++) {
            char c = marker.charAt(i);
            b.append((bits & (1 << i)) != 0 ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }

    private static String[] concat(String[] base, String name, String value) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 2);
        all[base.length] = name;
        all[base.length + 1] = value;
        return all;
    }

    @Test
    void aBodyThatIsNotAJsonDocumentHasNoKeyAndBadRulesAreRefused() {
        assertThat(key("not json", headers())).isNull();
        assertThat(key("{\"a\":1} trailing", headers())).isNull();
        assertThat(key("\"just a string\"", headers())).isNull();
        assertThat(key("{\"a\":", headers())).isNull();
        assertThatThrownBy(() -> new KeyBuilder(List.of("metadata"))).isInstanceOf(IllegalArgumentException.class);
        KeyBuilder escaped = new KeyBuilder(List.of("/a~1b/0"));
        byte[] one = "{\"a/b\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        byte[] two = "{\"a/b\":[9,2]}".getBytes(StandardCharsets.UTF_8);
        assertThat(escaped.key(Dialect.OPENAI, "u", "POST", "/", null, headers(), one))
                .isEqualTo(escaped.key(Dialect.OPENAI, "u", "POST", "/", null, headers(), two));
    }

    private static byte[] keyBytes(CacheKey key) {
        try {
            var field = CacheKey.class.getDeclaredField("bytes");
            field.setAccessible(true);
            return (byte[]) field.get(key);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode tree(Random r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = depth >= 4 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0: {
                ObjectNode o = f.objectNode();
                for (int i = r.nextInt(6); i > 0; i--) {
                    o.set(name(r), tree(r, depth + 1));
                }
                return o;
            }
            case 1: {
                ArrayNode a = f.arrayNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(tree(r, depth + 1));
                }
                return a;
            }
            case 2: return f.textNode(name(r) + (r.nextBoolean() ? "é\"\\" : ""));
            case 3: return r.nextBoolean() ? f.numberNode(r.nextInt(100)) : f.numberNode(r.nextDouble());
            case 4: return f.booleanNode(r.nextBoolean());
            default: return f.nullNode();
        }
    }

    private static String name(Random r) {
        return "k" + r.nextInt(12);
    }

    private static JsonNode shuffle(JsonNode node, Random r) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            Collections.shuffle(fields, r);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            fields.forEach(e -> o.set(e.getKey(), shuffle(e.getValue(), r)));
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> a.add(shuffle(e, r)));
            return a;
        }
        return node;
    }

    /** Replaces one scalar somewhere in the tree with a value it does not have. */
    private static JsonNode changeOneScalar(JsonNode node, Random r) {
        if (!node.isContainerNode()) {
            return JsonNodeFactory.instance.textNode("changed:" + node);
        }
        List<JsonNode> children = new ArrayList<>();
        node.elements().forEachRemaining(children::add);
        if (children.isEmpty()) {
            if (node.isObject()) {
                ((ObjectNode) node).put("added", 1);
            } else {
                ((ArrayNode) node).add(1);
            }
            return node;
        }
        int pick = r.nextInt(children.size());
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            String name = null;
            for (int i = 0; i <= pick; i++) {
                name = names.next();
            }
            ((ObjectNode) node).set(name, changeOneScalar(children.get(pick), r));
        } else {
            ((ArrayNode) node).set(pick, changeOneScalar(children.get(pick), r));
        }
        return node;
    }
}
