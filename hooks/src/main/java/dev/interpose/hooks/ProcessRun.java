package dev.interpose.hooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One external process run to its end, for hook scripts and the shell commands of slash commands: stdin
 * written, stdout and stderr read (the first bytes up to a cap kept, the rest read and dropped), and on
 * timeout the whole process tree killed. Blocks the calling thread, which must not be an event loop.
 *
 * @param exit    the exit code, or -1 when it did not end normally
 * @param stdout  what it wrote on stdout, up to the cap
 * @param stderr  what it wrote on stderr, up to the cap
 * @param failure why it did not end normally (could not start, timed out, left a child holding its
 *                output), or null
 */
public record ProcessRun(int exit, Capped stdout, Capped stderr, String failure) {

    /** A stream read to its end, the first bytes kept. */
    public record Capped(String text, boolean truncated) {
        static final Capped EMPTY = new Capped("", false);

        static Capped read(InputStream in, int max) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean truncated = false;
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    int room = max - kept.size();
                    if (room > 0) {
                        kept.write(buffer, 0, Math.min(n, room));
                    }
                    truncated |= n > room;
                }
            } catch (IOException e) {
                // the process was killed: keep what came
            }
            return new Capped(kept.toString(StandardCharsets.UTF_8), truncated);
        }
    }

    public boolean failed() {
        return failure != null;
    }

    /**
     * Runs {@code builder} (its command, directory and environment set by the caller).
     *
     * @param io runs the threads that feed stdin and drain stdout and stderr (three per run)
     */
    public static ProcessRun run(ProcessBuilder builder, byte[] stdin, Duration timeout, int maxStdout, int maxStderr,
            Executor io) throws InterruptedException {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new ProcessRun(-1, Capped.EMPTY, Capped.EMPTY, "cannot start: " + e.getMessage());
        }
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin), io);
        CompletableFuture<Capped> out = CompletableFuture.supplyAsync(() -> Capped.read(process.getInputStream(), maxStdout), io);
        CompletableFuture<Capped> err = CompletableFuture.supplyAsync(() -> Capped.read(process.getErrorStream(), maxStderr), io);
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process); // the proxy is stopping: leave nothing running
            throw e;
        }
        if (!exited) {
            killTree(process);
            return new ProcessRun(-1, out.getNow(Capped.EMPTY), err.getNow(Capped.EMPTY),
                    "timed out after " + timeout.toMillis() + "ms; process tree killed");
        }
        try {
            feed.get(5, TimeUnit.SECONDS);
            return new ProcessRun(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS), null);
        } catch (TimeoutException e) {
            // It exited, but a child it left behind holds its output open.
            killTree(process);
            return new ProcessRun(-1, Capped.EMPTY, Capped.EMPTY, "exited but a child process kept its output open; killed");
        } catch (ExecutionException e) {
            return new ProcessRun(-1, Capped.EMPTY, Capped.EMPTY, "cannot read its output: " + e.getCause());
        }
    }

    /** A builder for {@code command} run in {@code dir}. */
    public static ProcessBuilder in(Path dir, List<String> command) {
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    private static void write(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // The process did not read its input (or exited first): not its error.
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
