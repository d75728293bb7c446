package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cache section, the per-upstream and per-route switches, and their errors. */
@Timeout(10)
class ConfigCacheTest {
    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static InterposeConfig load(Path... files) throws ConfigException {
        return ConfigLoader.load(Map.of(), Overrides.none(), List.of(files));
    }

    @Test
    void offByDefaultThenOnPerUpstreamAndPerRouteWithTheRouteWinning() throws Exception {
        CacheConfig none = load().cache();
        assertThat(none).isEqualTo(CacheConfig.DEFAULT);
        assertThat(none.enabledFor("anthropic.messages", "anthropic")).isFalse();

        CacheConfig set = load(file("c.yaml",
                "upstreams:",
                "  anthropic:",
                "    cache: true",
                "routes:",
                "  - name: fresh",
                "    model: claude-opus*",
                "    upstream: anthropic",
                "    cache: false",
                "  - model: gpt-*",
                "    upstream: openai",
                "    cache: true",
                "  - model: o3*",
                "    upstream: openai",
                "cache:",
                "  ttl: 30m",
                "  max-bytes: 1024",
                "  ignore:",
                "    - /metadata",
                "    - /input/*/id")).cache();
        assertThat(set.enabledFor("anthropic.messages", "anthropic")).isTrue();
        assertThat(set.enabledFor("fresh", "anthropic")).isFalse();
        assertThat(set.enabledFor("routes[1]", "openai")).isTrue();
        assertThat(set.enabledFor("routes[2]", "openai")).as("a route without cache follows its upstream").isFalse();
        assertThat(set.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(set.maxBytes()).isEqualTo(1024);
        assertThat(set.ignore()).as("a list replaces the default whole").containsExactly("/metadata", "/input/*/id");
    }

    @Test
    void anEmptyIgnoreListKeysOnTheWholeBodyAndAProjectListReplacesTheUsers() throws Exception {
        Path user = file("user.yaml", "cache:", "  ignore:", "    - /a", "    - /b");
        Path project = file("project.yaml", "cache:", "  ignore: []");
        assertThat(load(user).cache().ignore()).containsExactly("/a", "/b");
        assertThat(load(user, project).cache().ignore()).isEmpty();
    }

    @Test
    void badCacheSettingsNameTheirKeyAndWhatWasExpected() throws Exception {
        Path bad = file("bad.yaml",
                "upstreams:",
                "  openai:",
                "    cache: sometimes",
                "routes:",
                "  - upstream: anthropic",
                "    cache: maybe",
                "cache:",
                "  ttl: forever",
                "  max-bytes: -1",
                "  max-entry-bytes: 0",
                "  colour: blue",
                "  ignore:",
                "    - metadata/user_id",
                "    - { pointer: /a }");
        assertThatThrownBy(() -> load(bad)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).contains("bad.yaml:3:12: upstreams.openai.cache: \"sometimes\"")
                        .contains("expected: true or false"))
                .anySatisfy(p -> assertThat(p).contains("bad.yaml:6:12: routes[0].cache: \"maybe\""))
                .anySatisfy(p -> assertThat(p).contains("bad.yaml:8:8: cache.ttl: \"forever\""))
                .anySatisfy(p -> assertThat(p).contains("bad.yaml:9:14: cache.max-bytes: \"-1\"")
                        .contains("a size in bytes"))
                .anySatisfy(p -> assertThat(p).contains("cache.max-entry-bytes: \"0\""))
                .anySatisfy(p -> assertThat(p).contains("cache.colour: unknown key (expected one of: cache.max-bytes,"
                        + " cache.max-entry-bytes, cache.ttl, cache.ignore)"))
                .anySatisfy(p -> assertThat(p).contains("bad.yaml:13:7: cache.ignore[0]: \"metadata/user_id\"")
                        .contains("a JSON pointer starting with /"))
                .anySatisfy(p -> assertThat(p).contains("cache.ignore[1]")));
    }
}
