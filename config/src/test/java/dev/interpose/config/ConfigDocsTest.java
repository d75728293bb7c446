package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/configuration.md documents exactly the keys the loader knows, with the defaults it applies. */
@Timeout(10)
class ConfigDocsTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]*)` \\|", Pattern.MULTILINE);

    @Test
    void theReferenceTableMatchesTheCode() throws Exception {
        Path doc = Path.of(System.getProperty("docs.dir", "../docs"), "configuration.md");
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(doc));
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (Setting s : ConfigLoader.resolve(Map.of(), Overrides.none(), List.of()).values()) {
            String key = s.key();
            String upstream = ConfigKeys.upstreamOf(key);
            if (upstream != null && !key.endsWith(".url") && !key.endsWith(".dialect")) {
                key = "upstreams.<name>." + key.substring(("upstreams." + upstream + ".").length());
            }
            String list = key.contains("[") ? key.substring(0, key.indexOf('[')) : null;
            if (list != null && ConfigKeys.isList(list)) {
                // a list is documented as one row, its default elements comma-separated
                expected.merge(list, s.value(), (a, b) -> a.isEmpty() ? b : a + ", " + b);
                continue;
            }
            // a list without default elements is documented empty
            expected.merge(key, ConfigKeys.isList(key) ? "" : s.value(), (listed, list2) -> listed);
        }
        // Routes have no defaults in the loader's output (there are none by default): every field is documented.
        Map<String, String> routeRows = new LinkedHashMap<>(documented);
        routeRows.keySet().retainAll(ConfigKeys.ROUTE_FIELDS.stream().map(f -> "routes[].".concat(f)).toList());
        documented.keySet().removeAll(routeRows.keySet());
        assertThat(routeRows.keySet()).as("route rows of %s", doc)
                .containsExactlyInAnyOrderElementsOf(ConfigKeys.ROUTE_FIELDS.stream().map(f -> "routes[].".concat(f)).toList());
        assertThat(documented).as("rows of %s against the loader's keys and defaults", doc)
                .containsExactlyInAnyOrderEntriesOf(expected);
    }
}
