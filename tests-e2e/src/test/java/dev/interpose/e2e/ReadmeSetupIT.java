package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's set-up blocks, as written there, run with the real CLIs against the packaged proxy: the Claude Code
 * line, the Codex custom provider's {@code config.toml}, its one-run {@code -c} line and the built-in provider's
 * {@code openai_base_url}. Only the port changes (the proxy here listens on a free one, not 10000). The network is
 * closed, so a block that sent a CLI to the real API fails on the answer text.
 */
class ReadmeSetupIT {
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final String README_ADDRESS = "127.0.0.1:10000";

    @TempDir
    Path dir;
    private FakeUpstream upstream;
    private InterposeProcess proxy;

    @BeforeEach
    void start() throws Exception {
        upstream = new FakeUpstream();
        proxy = InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl(),
                "INTERPOSE_UPSTREAM_OPENAI", upstream.baseUrl()));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            assertThat(proxy.stop()).isZero();
        } finally {
            proxy.close();
            upstream.close();
        }
    }

    /** The fenced blocks of one language in the README's "Pointing the CLIs at it" section. */
    private static List<String> setUpBlocks(String language) throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        int start = readme.indexOf("## Pointing the CLIs at it");
        assertThat(start).as("the README's set-up section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals(language)) {
                blocks.add(m.group(2));
            }
        }
        return blocks;
    }

    private static String only(List<String> blocks, String containing) {
        List<String> found = blocks.stream().filter(b -> b.contains(containing)).toList();
        assertThat(found).as("one README block with %s", containing).hasSize(1);
        return found.get(0);
    }

    private String here(String block) {
        assertThat(block).contains(README_ADDRESS);
        return block.replace(README_ADDRESS, proxy.baseUrl().substring("http://".length()));
    }

    private Cli.Run run(String line, String configToml) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Cli.Run run = Cli.shellLine(home, work, line, configToml, "say hi");
        assertThat(run.exitCode()).as("exit: %s", run).isZero();
        return run;
    }

    @Test
    void claudeCodesLine() throws Exception {
        upstream.anthropicAnswers("Claude Code reached the proxy as the README says.");

        Cli.Run run = run(here(only(setUpBlocks("sh"), "ANTHROPIC_BASE_URL")), null);

        assertThat(new ObjectMapper().readTree(run.stdout()).path("result").asText())
                .isEqualTo("Claude Code reached the proxy as the README says.");
        proxy.awaitLine("\"client\":\"claude\"", "\"path\":\"/v1/messages\"", "\"outcome\":\"ok\"");
    }

    @Test
    void codexsCustomProviderInConfigToml() throws Exception {
        upstream.responsesAnswers("Codex reached the proxy through config.toml.");

        Cli.Run run = run("codex", here(only(setUpBlocks("toml"), "[model_providers.interpose]")));

        assertThat(run.stdout().trim()).isEqualTo("Codex reached the proxy through config.toml.");
        assertThat(upstream.requests("/v1/responses")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getHeader("authorization")).isEqualTo("Bearer sk-openai-e2e-secret"));
        proxy.awaitLine("\"client\":\"codex\"", "\"path\":\"/v1/responses\"", "\"outcome\":\"ok\"");
    }

    @Test
    void codexsOneRunLine() throws Exception {
        upstream.responsesAnswers("Codex reached the proxy with -c alone.");

        Cli.Run run = run(here(only(setUpBlocks("sh"), "codex -c")), null);

        assertThat(run.stdout().trim()).isEqualTo("Codex reached the proxy with -c alone.");
        proxy.awaitLine("\"client\":\"codex\"", "\"path\":\"/v1/responses\"", "\"outcome\":\"ok\"");
    }

    @Test
    void codexsBuiltInProviderMoved() throws Exception {
        upstream.responsesAnswers("Codex's built-in provider reached the proxy.");

        Cli.Run run = run("codex", here(only(setUpBlocks("toml"), "openai_base_url")));

        assertThat(run.stdout().trim()).isEqualTo("Codex's built-in provider reached the proxy.");
        proxy.awaitLine("\"client\":\"codex\"", "\"path\":\"/v1/responses\"", "\"outcome\":\"ok\"");
    }
}
