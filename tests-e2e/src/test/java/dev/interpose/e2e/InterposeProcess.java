package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar started with {@code java -jar}, as a user would, on {@code --port 0}; the bound port is
 * read from its {@code listening on} line. Netty leak detection runs at paranoid in the child, and
 * {@link #stop} fails on any leak report in its output.
 */
public final class InterposeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final List<Thread> pumps = new ArrayList<>();

    private InterposeProcess(List<String> args, Map<String, String> env) throws IOException {
        this(javaCommand(), args, env);
    }

    private InterposeProcess(List<String> launcher, List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        process = builder.start();
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout, true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), stderr, false);
    }

    /** Starts the proxy with these extra arguments and environment, and waits for its listening line. */
    public static InterposeProcess start(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        return listening(new InterposeProcess(all, env));
    }

    /** {@code p} once it has printed its listening line; killed, and the test failed, when it does not. */
    private static InterposeProcess listening(InterposeProcess p) {
        try {
            p.port.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.process.destroyForcibly();
            throw new AssertionError("proxy did not print its listening line; stdout=" + p.stdout + " stderr=" + p.stderr, e);
        }
        return p;
    }

    /**
     * Starts the proxy with the build's launcher ({@code proxy/target/interpose}, which runs the jar with its
     * class-data archive) as a user does, and waits for its listening line.
     */
    public static InterposeProcess startWithLauncher(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        Map<String, String> withJava = new java.util.HashMap<>(env);
        withJava.put("JAVA_HOME", System.getProperty("java.home"));
        withJava.put("JAVA_OPTS", "-Dio.netty.leakDetection.level=paranoid");
        return listening(new InterposeProcess(List.of(jar().resolveSibling("interpose").toString()), all, withJava));
    }

    /** Runs the jar to completion with these arguments (for --help, config errors). */
    public static Result run(Map<String, String> env, String... args) throws Exception {
        InterposeProcess p = new InterposeProcess(List.of(args), env);
        assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.process.exitValue(), String.join("\n", p.awaitOutput(p.stdout)),
                String.join("\n", p.awaitOutput(p.stderr)));
    }

    /** Exit code and output of a finished run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    public int port() {
        return port.join();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Every line printed on stdout so far. */
    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    /** Waits (up to 5 s: log lines are written in batches) for a stdout line containing all of {@code parts}. */
    public String awaitLine(String... parts) {
        return awaitLineAfter(0, parts);
    }

    /** How many lines it has printed on stdout so far: a mark for {@link #awaitLineAfter}. */
    public int linesSoFar() {
        return stdout.size();
    }

    /** As {@link #awaitLine}, among the lines printed after the first {@code mark} (a proxy shared by tests). */
    public String awaitLineAfter(int mark, String... parts) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> stdout.stream().skip(mark).filter(l -> java.util.Arrays.stream(parts).allMatch(l::contains))
                        .findFirst(), java.util.Optional::isPresent).get();
    }

    public String stderr() {
        return String.join("\n", stderr);
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and returns the exit code; fails when the output reports a Netty leak. */
    public int stop() throws Exception {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
        boolean exited = process.waitFor(40, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("proxy exited after SIGTERM").isTrue();
        List<String> out = awaitOutput(stdout);
        assertThat(String.join("\n", out) + stderr()).as("leak reports").doesNotContain("LEAK:");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private List<String> awaitOutput(List<String> lines) throws InterruptedException {
        for (Thread pump : pumps) {
            pump.join(5000); // the pumps end when the process's streams close
        }
        return List.copyOf(lines);
    }

    private void pump(BufferedReader reader, List<String> sink, boolean watchPort) {
        Thread t = new Thread(() -> {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                    if (watchPort) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "interpose-output");
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("interpose.jar", "../proxy/target/interpose.jar"));
        assertThat(jar).as("the packaged jar (run mvn verify from the root)").exists();
        return jar;
    }

    private static List<String> javaCommand() {
        return List.of(javaBin(), "-Dio.netty.leakDetection.level=paranoid", "-jar", jar().toString());
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
