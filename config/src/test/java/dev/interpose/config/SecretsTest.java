package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured URL's credentials and query never appear in what the proxy shows. */
class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void credentialsAndQueriesOfEveryUrlInATextAreHidden() {
        assertThat(Secrets.mask("http://user:s3cret@proxy:3128")).isEqualTo("http://***@proxy:3128");
        assertThat(Secrets.mask(URI.create("https://u:p%40ss@api.example/v1?key=AIza#f")))
                .isEqualTo("https://***@api.example/v1?***#f");
        assertThat(Secrets.mask("to \"http://a:b@h/x\" and https://c:d@k: refused"))
                .isEqualTo("to \"http://***@h/x\" and https://***@k: refused");
        assertThat(Secrets.mask("http://u:pa ss@h/p")).as("a space inside a malformed password").isEqualTo("http://***@h/p");
        assertThat(Secrets.mask("http://u:a@b@h")).as("up to the last @").isEqualTo("http://***@h");
        assertThat(Secrets.mask("http://127.0.0.1:9/v1 is fine")).isEqualTo("http://127.0.0.1:9/v1 is fine");
        assertThat(Secrets.mask("no url here: a@b")).isEqualTo("no url here: a@b");
        assertThat(Secrets.mask((String) null)).isNull();
        assertThat(Secrets.mask(Secrets.mask("http://u:p@h?q"))).isEqualTo("http://***@h?***");
    }

    @Test
    void aRejectedUrlIsReportedWithoutItsPassword() throws Exception {
        Path file = dir.resolve("interpose.yaml");
        Files.writeString(file, "upstreams:\n  anthropic:\n    url: http://user:s3cretPASS@127.0.0.1:9/?key=s3cretPASS\n"
                + "    proxy: \"http://user:s3cretPASS@[bad\"\n");
        Overrides flags = new Overrides(Optional.empty(), Optional.of(0), Map.of("openai", "ftp://u:s3cretPASS@x"),
                Optional.of("htp://u:s3cretPASS@p"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), flags, List.of(file)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<String> problems = ((ConfigException) e).problems();
                    assertThat(problems).hasSizeGreaterThanOrEqualTo(4);
                    assertThat(problems).noneMatch(p -> p.contains("s3cretPASS"));
                    assertThat(problems).anyMatch(p -> p.contains("upstreams.anthropic.url: \"http://***@127.0.0.1:9/?***\""));
                    assertThat(e.getMessage()).doesNotContain("s3cretPASS");
                });
    }

    @Test
    void aYamlErrorQuotingTheLineIsMaskedToo() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "upstreams:\n  anthropic:\n    url: \"http://user:s3cretPASS@h\n"); // quoted back by the parser
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Overrides.none(), List.of(file)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("http://***@h").doesNotContain("s3cretPASS"));
    }
}
