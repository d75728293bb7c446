package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For tests of a real CLI: a fake upstream, the packaged proxy in front of it (the upstream's base URL
 * given through {@link #upstreamVariable()}), a temporary folder, and a clean stop that must exit 0.
 */
abstract class ThroughProxy {
    @TempDir
    Path dir;
    FakeUpstream upstream;
    InterposeProcess proxy;

    /** The environment variable that points the proxy's upstream at the fake. */
    abstract String upstreamVariable();

    @BeforeEach
    void startProxy() throws Exception {
        upstream = new FakeUpstream();
        proxy = InterposeProcess.start(Map.of(upstreamVariable(), upstream.baseUrl()));
    }

    /**
     * A second proxy in front of the same fake upstream, whose project directory holds this hook script in
     * {@code .interpose/hooks/}. The caller stops it.
     */
    InterposeProcess proxyWithHook(String name, String... lines) throws Exception {
        Path project = java.nio.file.Files.createDirectories(dir.resolve("project"));
        Path hook = project.resolve(".interpose/hooks").resolve(name);
        java.nio.file.Files.createDirectories(hook.getParent());
        java.nio.file.Files.writeString(hook, String.join("\n", lines) + "\n");
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        return InterposeProcess.start(Map.of(upstreamVariable(), upstream.baseUrl()), "--project-dir",
                project.toString());
    }

    /**
     * A second proxy in front of the same fake upstream whose project directory is {@code work/}, holding a
     * review command in {@code .interpose/commands/} and {@code src/Main.java} for it to include. The caller
     * stops it.
     */
    InterposeProcess proxyWithReviewCommand(Path work) throws Exception {
        Path command = work.resolve(".interpose/commands/team-review.md");
        java.nio.file.Files.createDirectories(command.getParent());
        java.nio.file.Files.writeString(command, String.join("\n", "---", "description: Review a file for the team",
                "argument-hint: <file>", "---", "Review @$0 against the team checklist (ticket PINEAPPLE-7731).", ""));
        java.nio.file.Files.createDirectories(work.resolve("src"));
        java.nio.file.Files.writeString(work.resolve("src/Main.java"), "class Main { int answer = 42; }\n");
        return InterposeProcess.start(Map.of(upstreamVariable(), upstream.baseUrl()), "--project-dir", work.toString());
    }

    @AfterEach
    void stopProxy() throws Exception {
        try {
            assertThat(proxy.stop()).isZero();
        } finally {
            proxy.close();
            upstream.close();
        }
    }
}
