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
