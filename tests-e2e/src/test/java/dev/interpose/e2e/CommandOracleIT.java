package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI is the oracle for commands and skills. For each file of a corpus of real public command and
 * skill files (src/test/resources/command-corpus, SOURCES.md there says where each comes from), the pinned
 * Claude Code runs {@code claude -p "/name args"} straight at a fake upstream, which records what the CLI
 * sent; then the same line goes through the proxy from a plain HTTP client with a Messages body, and the two
 * expansions must be identical, byte for byte.
 *
 * <p>What is normalised, and only that: Claude Code sends the expansion as its own text block after a
 * {@code <command-message>name</command-message><command-name>/name</command-name><command-args>…</command-args>}
 * block (and system reminders before it); the proxy replaces the typed text with the expansion. The test
 * compares Claude Code's expansion block with the proxy's replaced prompt. Where Claude Code aborts (a shell line
 * that fails), it sends nothing and prints the message; the proxy answers the client with it and sends
 * nothing either: the messages are compared.
 */
class CommandOracleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CORPUS = Path.of("src/test/resources/command-corpus");

    /** Each corpus file as someone would type it, with arguments that exercise its placeholders. */
    private static final List<String> TYPED = List.of(
            "/commit-push-pr",
            "/clean_gone origin stale-branch",
            "/feature-dev Add a \"dark mode\" toggle, don't break 'light' themes",
            "/get-issue 1234",
            "/build specs/plan.md",
            "/workflow:build_adw specs/plan.md",
            "/git:commit sdlc_planner feat '{\"number\": 7, \"title\": \"Fix the retry loop\"}'",
            "/git:commit planner bug a|b c #note",
            "/close-issue 42",
            "/your-skill-name alpha \"beta gamma\"",
            "/your-skill-name X=1 it's",
            "/read-github-issue 77",
            "/named-args specs/p.md \"fast mode\" !now",
            "/security-review");
    /** The lines whose expansion Claude Code aborts (a shell line fails without an origin remote). */
    private static final List<String> ABORTED = List.of("/security-review");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyCorpusFileExpandsThroughTheProxyExactlyAsClaudeCodeExpandsIt() throws Exception {
        Path work = project();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path config = Files.writeString(dir.resolve("config.yaml"), "commands:\n  shell: true\n");
        List<String> mismatches = new ArrayList<>();
        List<String> aborted = new ArrayList<>();
        Map<String, String> expansions = new java.util.HashMap<>();
        List<String> failures = new ArrayList<>();
        int expanded = 0;
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.anthropicAnswers("ok");
            try (InterposeProcess proxy = InterposeProcess.start(
                    Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl()), "--project-dir", work.toString(),
                    "--config", config.toString())) {
                for (String typed : TYPED) {
                    int before = upstream.bodies("/v1/messages").size();
                    Cli.Run run = Cli.claude(home, work, upstream.baseUrl(), typed);
                    JsonNode result = JSON.readTree(run.stdout());
                    List<String> sent = upstream.bodies("/v1/messages");
                    String claude = claudeExpansion(sent.subList(before, sent.size()));

                    before = sent.size();
                    JsonNode answer = throughProxy(proxy, typed, result.path("session_id").asText());
                    sent = upstream.bodies("/v1/messages");
                    if (claude == null) {
                        aborted.add(typed);
                        String expected = result.path("result").asText();
                        assertThat(sent).as("the proxy sends nothing for %s, as Claude Code did not", typed)
                                .hasSize(before);
                        String got = answer.path("content").path(0).path("text").asText();
                        failures.add(failingLine(expected));
                        failures.add(failingLine(got));
                        if (!failingLine(got).equals(failingLine(expected))) {
                            mismatches.add(typed + "\n  claude: " + expected + "\n  proxy:  " + got);
                        }
                        continue;
                    }
                    expanded++;
                    assertThat(sent).as("the proxy forwarded %s", typed).hasSize(before + 1);
                    String got = proxyExpansion(sent.get(before));
                    expansions.put(typed, claude);
                    if (!got.equals(claude)) {
                        mismatches.add(typed + "\n  claude: " + JSON.writeValueAsString(claude) + "\n  proxy:  "
                                + JSON.writeValueAsString(got));
                    }
                }
                assertThat(proxy.stop()).isZero();
            }
        }
        assertThat(mismatches).as("expansions that differ from Claude Code's").isEmpty();
        assertThat(aborted).as("the lines Claude Code aborted").containsExactlyElementsOf(ABORTED);
        assertThat(failures).as("both failed as the normalisation expects, else it compared nothing")
                .allSatisfy(f -> assertThat(f).startsWith("Shell command failed for pattern \"(a line of the file)\""));
        assertThat(expanded).isEqualTo(TYPED.size() - ABORTED.size());
        // What the two agreed on is what the issue asks for: all three of commit-push-pr's shell lines ran...
        assertThat(expansions.get("/commit-push-pr")).contains("- Current git status: On branch main")
                .contains("- Current git diff (staged and unstaged changes): diff --git a/app.py b/app.py")
                .contains("+    return 2").contains("- Current branch: main\n");
        // ...$1 is the second word, and a missing one stays as written, with the arguments appended...
        assertThat(expansions.get("/workflow:build_adw specs/plan.md")).contains("PLAN_FILE_PATH: $1\n")
                .endsWith("\n\nARGUMENTS: specs/plan.md");
        assertThat(expansions.get("/git:commit sdlc_planner feat '{\"number\": 7, \"title\": \"Fix the retry loop\"}'"))
                .contains("agent_name: feat\nissue_class: {\"number\": 7, \"title\": \"Fix the retry loop\"}\n"
                        + "issue: $3\n");
        // ...named arguments from the front matter even when another entry breaks the YAML, and ! defused...
        assertThat(expansions.get("/named-args specs/p.md \"fast mode\" !now")).contains("Plan: specs/p.md, mode: fast mode,"
                + " missing name: $other.\nSecond word again: fast mode; a third one: \\!now and \\!now.\n"
                + "Escaped: $0 and $ARGUMENTS.").contains("Top level: " + work + "\n");
        // ...and a skill starts with its base directory.
        assertThat(expansions.get("/your-skill-name alpha \"beta gamma\"")).startsWith("Base directory for this skill: "
                + work.resolve(".claude/skills/your-skill-name") + "\n\n# Your Skill Name")
                .contains("| `alpha` | First argument |").contains("| `beta gamma` | Second argument");
    }

    /**
     * A failure message with the failing line and its error left out, when it names one of the file's lines that
     * fails here (git's "ambiguous argument 'origin/HEAD...'"). Claude Code runs a file's shell lines at the same
     * time and reports whichever fails first, with that line's error; the proxy runs them in order and reports
     * the first of the file. When several fail, which one is named differs from run to run; nothing else may.
     */
    private static String failingLine(String message) {
        String normalised = message.replaceFirst("^Shell command failed for pattern \"!`git [^`]*origin/HEAD[^`]*`\": "
                + "\\[stderr\\]\nfatal: ambiguous argument 'origin/HEAD(\\.\\.\\.)?': [\\s\\S]*$",
                "Shell command failed for pattern \"(a line of the file)\": [stderr]\nfatal: ambiguous argument (its own)");
        return normalised;
    }

    /** A git repository holding the corpus and one changed file, so that the shell lines have output. */
    private Path project() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        try (Stream<Path> files = Files.walk(CORPUS.resolve(".claude"))) {
            for (Path source : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve(CORPUS.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
            }
        }
        // The CLI helper leaves its temporary files in the work directory: ignored, so git status is the same twice.
        Files.writeString(work.resolve(".gitignore"), "cli-*.txt\n.claude/\n");
        Files.writeString(work.resolve("app.py"), "def retry():\n    return 1\n");
        git(work, "init", "-q", "-b", "main");
        git(work, "add", "-A");
        git(work, "-c", "user.email=e2e@example.com", "-c", "user.name=e2e", "commit", "-qm", "first");
        Files.writeString(work.resolve("app.py"), "def retry():\n    return 2\n");
        return work;
    }

    private static void git(Path work, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", List.of(args), new String(p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8)).isZero();
    }

    /**
     * The text block Claude Code sent after its {@code <command-message>} block, from the requests of one run;
     * null when no request carried one (Claude Code aborted the expansion).
     */
    private static String claudeExpansion(List<String> bodies) throws Exception {
        for (String body : bodies) {
            for (JsonNode message : JSON.readTree(body).path("messages")) {
                JsonNode content = message.path("content");
                for (int i = 0; i + 1 < content.size(); i++) {
                    if (content.get(i).path("text").asText().startsWith("<command-message>")) {
                        return content.get(i + 1).path("text").asText();
                    }
                }
            }
        }
        return null;
    }

    /** The prompt the proxy put in place of the typed line: the first text block of the user turn. */
    private static String proxyExpansion(String body) throws Exception {
        JsonNode content = JSON.readTree(body).path("messages").path(0).path("content");
        return content.isTextual() ? content.asText() : content.path(0).path("text").asText();
    }

    /** The typed line from a plain HTTP client, as a Messages request naming Claude Code's session. */
    private JsonNode throughProxy(InterposeProcess proxy, String typed, String sessionId) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "claude-opus-5-5").put("max_tokens", 64)
                .put("stream", false);
        body.putArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "text").put("text", typed);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                .header("x-api-key", "sk-ant-e2e-secret").header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json").header("x-claude-code-session-id", sessionId)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("proxy answer to %s: %s", typed, response.body()).isEqualTo(200);
        try {
            return JSON.readTree(response.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JSON.createObjectNode(); // the fake upstream's stream, relayed: nothing to compare in it
        }
    }
}
