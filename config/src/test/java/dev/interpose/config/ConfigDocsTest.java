package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConfigTable} drives the reference of docs/configuration.md, the keys the loader accepts and the
 * defaults {@code config show} prints. Run with {@code -Ddocs.write=true} to rewrite the reference after a
 * change to the table.
 */
@Timeout(10)
class ConfigDocsTest {
    private static final String BEGIN = "<!-- BEGIN keys: written from ConfigTable, checked by ConfigDocsTest -->\n";
    private static final String END = "<!-- END keys -->\n";

    @Test
    void theReferenceIsTheTable() throws Exception {
        Path doc = Path.of(System.getProperty("docs.dir", "../docs"), "configuration.md");
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("%s has the reference markers", doc).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = reference();
        if (Boolean.getBoolean("docs.write")) {
            Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + expected + text.substring(end));
            return;
        }
        assertThat(text.substring(begin + BEGIN.length(), end)).as("the reference in %s (-Ddocs.write=true rewrites"
                + " it from ConfigTable)", doc).isEqualTo(expected);
    }

    @Test
    void configShowListsEveryKeyOfTheTableWithItsDefault() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigTable.ALL) {
            switch (key.scope()) {
                case GLOBAL -> expect(expected, key, null);
                case UPSTREAM -> ConfigTable.BUILT_INS.forEach(b -> expect(expected, key, b.name()));
                case ROUTE, ALIAS -> { } // there are no routes or model aliases by default
            }
        }
        ConfigTable.BUILT_INS.forEach(b -> {
            expected.put(ConfigTable.URL.in(b.name()), b.url().toString());
            expected.put(ConfigTable.DIALECT.in(b.name()), b.dialect().name().toLowerCase(Locale.ROOT));
        });
        Map<String, String> shown = new LinkedHashMap<>();
        ConfigLoader.resolve(Map.of(), Overrides.none(), List.of()).forEach((k, s) -> shown.put(k, s.value()));
        assertThat(shown).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void theLoaderAcceptsTheKeysOfTheTableAndNoOthers() {
        for (ConfigKey<?> key : ConfigTable.ALL) {
            String owner = key.scope() == ConfigKey.Scope.ROUTE || key.scope() == ConfigKey.Scope.ALIAS ? "3" : "my-llm";
            assertThat(ConfigKeys.isLeaf(key.in(owner)) || ConfigKeys.isList(key.in(owner))).as(key.name()).isTrue();
            assertThat(ConfigKeys.isLeaf(key.in(owner) + "s")).as(key.name() + "s").isFalse();
            assertThat(ConfigKeys.isList(key.in(owner))).as(key.name()).isEqualTo(key.isList());
        }
        assertThat(ConfigKeys.isLeaf("listener")).isFalse();
        assertThat(ConfigKeys.isLeaf("upstreams.my-llm.breaker")).isFalse();
        assertThat(ConfigKeys.isLeaf("cache.ignore[2]")).isTrue();
        assertThat(ConfigKeys.isLeaf("routes[2]")).as("a route is a mapping, not a value").isFalse();
        assertThat(ConfigKeys.isLeaf("model-aliases[2]")).as("an alias is a mapping, not a value").isFalse();
        assertThat(ConfigKeys.isList("model-aliases")).isTrue();
    }

    private static void expect(Map<String, String> expected, ConfigKey<?> key, String owner) {
        if (key.defaultValue() == null) {
            return;
        }
        String name = key.in(owner);
        if (!key.isList()) {
            expected.put(name, key.defaultText());
            return;
        }
        expected.put(name, ConfigKeys.LIST_MARK);
        List<?> elements = (List<?>) key.defaultValue();
        for (int i = 0; i < elements.size(); i++) {
            expected.put(name + "[" + i + "]", elements.get(i).toString());
        }
    }

    /** The reference table: one row a key; the url and dialect of each built-in upstream a row each. */
    static String reference() {
        StringBuilder out = new StringBuilder("| key | default | meaning | environment / flag |\n|---|---|---|---|\n");
        for (ConfigKey<?> key : ConfigTable.ALL) {
            if (key == ConfigTable.URL || key == ConfigTable.DIALECT) {
                for (ConfigTable.BuiltIn b : ConfigTable.BUILT_INS) {
                    String value = key == ConfigTable.URL ? b.url().toString() : b.dialect().name().toLowerCase(Locale.ROOT);
                    String doc = key.doc().contains("{upstream}") ? key.doc().replace("{upstream}", b.serves())
                            : b == ConfigTable.BUILT_INS.get(0) ? key.doc() : "";
                    row(out, key.in(b.name()), value, doc, via(key, b.name()));
                }
            } else {
                row(out, key.name(), key.defaultText(), key.doc(), via(key, null));
            }
        }
        return out.toString();
    }

    private static String via(ConfigKey<?> key, String upstream) {
        List<String> via = new ArrayList<>();
        if (key.env() != null) {
            via.add("`" + key.env().replace("<NAME>", String.valueOf(upstream).toUpperCase(Locale.ROOT)) + "`");
        }
        if (key == ConfigTable.URL) {
            via.add("`" + key.flag() + " " + upstream + "=URL`");
        } else if (key.flag() != null) {
            via.add("`" + key.flag() + "`" + (key.scope() == ConfigKey.Scope.UPSTREAM ? " (all upstreams)" : ""));
        }
        return String.join(", ", via);
    }

    private static void row(StringBuilder out, String key, String value, String doc, String via) {
        out.append('|');
        for (String cell : List.of("`" + key + "`", "`" + value + "`", doc, via)) {
            out.append(cell.isEmpty() ? " " : " " + cell + " ").append('|');
        }
        out.append('\n');
    }
}
