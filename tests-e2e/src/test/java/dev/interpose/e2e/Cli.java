package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real, pinned {@code claude} and {@code codex} CLIs headless, each in a throw-away home, pointed
 * at a base URL, as ../shared/CLIENTS.md describes. Nothing of the developer's own configuration leaks in.
 */
public final class Cli {
    private Cli() {
    }

    /** What a CLI run printed. */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    private static Path bin(String name) {
        Path bin = Path.of(System.getProperty("clis.dir", "clis"), "node_modules", ".bin", name);
        assertThat(bin).as("the pinned CLI (installed by the build with npm)").exists();
        return bin.toAbsolutePath();
    }

    /** {@code claude -p --output-format json} with the prompt on stdin, in {@code workDir}. */
    public static Run claude(Path home, Path workDir, String baseUrl, String prompt) throws Exception {
        return claude(home, workDir, baseUrl, prompt, Map.of());
    }

    /**
     * As {@link #claude(Path, Path, String, String)}, asking for {@code model} (a name Claude Code does not know, such
     * as an OpenAI or a local model's) for its main and its small, fast calls alike.
     */
    public static Run claude(Path home, Path workDir, String baseUrl, String prompt, String model) throws Exception {
        return claude(home, workDir, baseUrl, prompt, Map.of("ANTHROPIC_MODEL", model,
                "ANTHROPIC_SMALL_FAST_MODEL", model, "ANTHROPIC_DEFAULT_HAIKU_MODEL", model));
    }

    private static Run claude(Path home, Path workDir, String baseUrl, String prompt, Map<String, String> extra)
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.putAll(claudeEnv(home));
        env.put("ANTHROPIC_BASE_URL", baseUrl);
        return run(List.of(bin("claude").toString(), "-p", "--output-format", "json", "--no-session-persistence"),
                env, workDir, prompt);
    }

    /** Claude Code's environment for a headless run in a throw-away {@code home}: its key, nothing non-essential. */
    private static Map<String, String> claudeEnv(Path home) throws IOException {
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        return Map.ofEntries(
                Map.entry("HOME", home.toString()),
                Map.entry("TMPDIR", tmp.toString()),
                Map.entry("CLAUDE_CODE_TMPDIR", tmp.toString()),
                Map.entry("XDG_RUNTIME_DIR", tmp.toString()),
                Map.entry("ANTHROPIC_API_KEY", "sk-ant-e2e-secret"),
                Map.entry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
                Map.entry("DISABLE_AUTOUPDATER", "1"),
                Map.entry("DISABLE_TELEMETRY", "1"),
                Map.entry("DISABLE_ERROR_REPORTING", "1"),
                Map.entry("CLAUDE_CODE_MAX_RETRIES", "2"));
    }

    /**
     * The settings that keep Codex off the closed network's public hosts ({@code table, key, TOML value}), written
     * into a {@code config.toml} or given as {@code -c} overrides.
     */
    private static final List<String[]> CODEX_CLOSED_NETWORK = List.of(
            new String[] {"analytics", "enabled", "false"},
            new String[] {"otel", "exporter", "\"none\""},
            new String[] {"otel", "trace_exporter", "\"none\""},
            new String[] {"otel", "metrics_exporter", "\"none\""},
            new String[] {"features", "plugins", "false"},
            new String[] {"features", "unbounded_connection_retries", "false"});

    /** {@code codex exec} with a custom Responses-API provider at {@code baseUrl} (ending in /v1). */
    public static Run codex(Path home, Path workDir, String baseUrl, String prompt) throws Exception {
        return codex(home, workDir, baseUrl, prompt, null); // Codex's default sandbox: read-only
    }

    /**
     * As {@link #codex(Path, Path, String, String)}, with Codex's sandbox letting commands write in {@code workDir}
     * ({@code sandbox_mode = "workspace-write"}), so that what a command did can be seen there.
     */
    public static Run codexWritingInWorkDir(Path home, Path workDir, String baseUrl, String prompt) throws Exception {
        return codex(home, workDir, baseUrl, prompt, "sandbox_mode = \"workspace-write\"");
    }

    /**
     * As {@link #codex(Path, Path, String, String)}, running the hooks of Codex's own files
     * ({@code $CODEX_HOME/hooks.json}...) without asking to trust them first ({@code --dangerously-bypass-hook-trust}).
     */
    public static Run codexRunningItsHooks(Path home, Path workDir, String baseUrl, String prompt) throws Exception {
        return codex(home, workDir, baseUrl, prompt, null, List.of("--dangerously-bypass-hook-trust"));
    }

    private static Run codex(Path home, Path workDir, String baseUrl, String prompt, String sandbox) throws Exception {
        return codex(home, workDir, baseUrl, prompt, sandbox, List.of());
    }

    private static Run codex(Path home, Path workDir, String baseUrl, String prompt, String sandbox, List<String> flags)
            throws Exception {
        List<String> provider = new ArrayList<>();
        if (sandbox != null) {
            provider.add(sandbox);
        }
        provider.addAll(List.of(
                "model_provider = \"local\"",
                "[model_providers.local]",
                "name = \"local\"",
                "base_url = \"" + baseUrl + "\"",
                "env_key = \"LOCAL_API_KEY\"",
                "wire_api = \"responses\"",
                "request_max_retries = 1",
                "stream_max_retries = 1"));
        return codex(home, workDir, prompt, Map.of("LOCAL_API_KEY", "sk-openai-e2e-secret"), flags,
                provider.toArray(String[]::new));
    }

    /**
     * {@code codex exec} with the built-in {@code openai} provider moved to {@code baseUrl} with
     * {@code openai_base_url}: this provider tries a WebSocket first.
     */
    public static Run codexBuiltInProvider(Path home, Path workDir, String baseUrl, String prompt) throws Exception {
        return codex(home, workDir, prompt, Map.of("OPENAI_API_KEY", "sk-openai-e2e-secret"), List.of(),
                "openai_base_url = \"" + baseUrl + "\"");
    }

    private static Run codex(Path home, Path workDir, String prompt, Map<String, String> keys, List<String> flags,
            String... provider) throws Exception {
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> lines = new ArrayList<>(List.of(
                "model = \"gpt-5.5\"",
                "check_for_update_on_startup = false"));
        // Top-level keys must come before the first [table] in TOML.
        int firstTable = 0;
        while (firstTable < provider.length && !provider[firstTable].startsWith("[")) {
            firstTable++;
        }
        lines.addAll(List.of(provider).subList(0, firstTable));
        String table = null;
        for (String[] setting : CODEX_CLOSED_NETWORK) {
            if (!setting[0].equals(table)) {
                table = setting[0];
                lines.add("[" + table + "]");
            }
            lines.add(setting[1] + " = " + setting[2]);
        }
        lines.addAll(List.of(provider).subList(firstTable, provider.length));
        lines.add("");
        Files.writeString(codexHome.resolve("config.toml"), String.join("\n", lines));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "HOME", home.toString(),
                "CODEX_HOME", codexHome.toString(),
                "TMPDIR", tmp.toString()));
        env.putAll(keys);
        Path last = home.resolve("last.txt");
        List<String> command = new ArrayList<>(List.of(bin("codex").toString(), "exec", "--skip-git-repo-check",
                "--ephemeral", "--color", "never", "--strict-config", "-o", last.toString()));
        command.addAll(flags);
        command.add("-");
        return run(command, env, workDir, prompt);
    }

    /**
     * A set-up line as a user types it ({@code ANTHROPIC_BASE_URL=... claude}, {@code codex -c ...}), run by bash with the
     * pinned CLIs first on the PATH and the arguments of a headless run appended: {@code -p --output-format json} for
     * Claude Code, {@code exec ... -} for Codex (whose closed-network settings go in as {@code -c} overrides, so a
     * {@code config.toml} of the user's, {@code configToml} if not null, is written as given).
     */
    public static Run shellLine(Path home, Path workDir, String line, String configToml, String prompt)
            throws Exception {
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        if (configToml != null) {
            Files.writeString(codexHome.resolve("config.toml"), configToml);
        }
        Map<String, String> env = new java.util.HashMap<>(claudeEnv(home));
        env.put("CODEX_HOME", codexHome.toString());
        env.put("OPENAI_API_KEY", "sk-openai-e2e-secret");
        env.put("INTERPOSE_CLI_BIN", bin("claude").getParent().toString());
        StringBuilder headless = new StringBuilder();
        if (line.trim().endsWith("claude") || line.contains("claude ")) {
            headless.append(" -p --output-format json --no-session-persistence");
        } else {
            headless.append(" -c check_for_update_on_startup=false");
            for (String[] setting : CODEX_CLOSED_NETWORK) {
                headless.append(" -c '").append(setting[0]).append('.').append(setting[1]).append('=')
                        .append(setting[2]).append('\'');
            }
            headless.append(" exec --skip-git-repo-check --ephemeral --color never --strict-config")
                    .append(" -o \"$HOME/last.txt\" -");
        }
        return run(List.of("bash", "-c", "PATH=\"$INTERPOSE_CLI_BIN:$PATH\"; " + line.trim() + headless), env, workDir,
                prompt);
    }

    private static Run run(List<String> command, Map<String, String> env, Path workDir, String prompt)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        environment.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("OPENAI_")
                || k.startsWith("CLAUDE") || k.startsWith("CODEX"));
        environment.putAll(env);
        environment.put("PATH", path);
        Path out = Files.createTempFile(workDir, "cli-out", ".txt");
        Path err = Files.createTempFile(workDir, "cli-err", ".txt");
        Path in = Files.createTempFile(workDir, "cli-in", ".txt");
        Files.writeString(in, prompt);
        Process process = builder.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        boolean done = process.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            process.destroyForcibly();
        }
        Run run = new Run(done ? process.exitValue() : -1, read(out), read(err));
        assertThat(done).as("CLI finished within 180 s: %s", run).isTrue();
        return run;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
