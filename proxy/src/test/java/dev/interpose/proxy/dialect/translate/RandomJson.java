package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random values for the property tests, from a seed (so a failure is reproduced from the seed jqwik reports). */
final class RandomJson {
    /** Strict as the clients are: one JSON value and nothing after it. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String CHARS = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;:!?-_/\\\"'{}[]<>\n\täöü€漢字";

    final Random random;
    private int ids;

    RandomJson(long seed) {
        this.random = new Random(seed);
    }

    String text() {
        int length = 1 + random.nextInt(24);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(CHARS.charAt(random.nextInt(CHARS.length())));
        }
        if (random.nextInt(8) == 0) {
            out.append("👋");
        }
        return out.toString();
    }

    String id(String prefix) {
        return prefix + (ids++) + "_" + Integer.toHexString(random.nextInt());
    }

    String name() {
        String[] names = {"Read", "Bash", "Edit", "Write", "mcp__server__tool", "exec_command", "apply_patch"};
        return names[random.nextInt(names.length)];
    }

    /** A tool input: an object of a few fields of every JSON kind. */
    ObjectNode input() {
        ObjectNode input = JSON.createObjectNode();
        int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            switch (random.nextInt(5)) {
                case 0: input.put("s" + i, text()); break;
                case 1: input.put("n" + i, random.nextInt(100000) - 500); break;
                case 2: input.put("b" + i, random.nextBoolean()); break;
                case 3: input.put("d" + i, random.nextInt(1000) / 8.0); break;
                default:
                    ArrayNode list = input.putArray("a" + i);
                    list.add(text()).add(random.nextInt(10));
                    list.addObject().put("k", text());
            }
        }
        return input;
    }

    /** {@code text} cut into 1 to 5 pieces (some maybe empty), in order. */
    List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int at = 0;
        int pieces = 1 + random.nextInt(5);
        for (int i = 1; i < pieces && at < text.length(); i++) {
            int next = at + random.nextInt(text.length() - at + 1);
            if (next < text.length() && Character.isLowSurrogate(text.charAt(next))) {
                next++; // a piece of JSON text is whole characters
            }
            out.add(text.substring(at, next));
            at = next;
        }
        out.add(text.substring(at));
        return out;
    }

    /** Ascending cut points in {@code [0, length]}. */
    List<Integer> cuts(int length) {
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (true) {
            at += 1 + random.nextInt(Math.max(1, length / 6));
            if (at >= length) {
                return cuts;
            }
            cuts.add(at);
        }
    }

    boolean chance(int inN) {
        return random.nextInt(inN) == 0;
    }
}
