package dev.interpose.hooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One external process run to its end, for hook scripts and the shell commands of slash commands: stdin
 * written, stdout and stderr read (the first bytes up to a cap kept, the rest read and dropped), and at the
 * deadline the whole process tree killed ({@link ProcessTree}: its session, its descendants, whatever holds
 * its pipes). The run returns at the deadline whatever still holds a pipe: the reading is then abandoned
 * (the reader ends when the last holder dies) rather than waited for. Blocks the calling thread, which must
 * not be an event loop.
 *
 * @param exit    the exit code, or -1 when it did not end normally
 * @param stdout  what it wrote on stdout, up to the cap (on a failure, what came before it)
 * @param stderr  what it wrote on stderr, up to the cap
 * @param failure why it did not end normally (could not start, timed out, left a child holding its
 *                output), or null
 */
public record ProcessRun(int exit, Capped stdout, Capped stderr, String failure) {
    /** After it exits, how long (within the deadline) a child it left may keep its output open. */
    private static final long AFTER_EXIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** After the kill, how long the readers get to take what was written before they are abandoned. */
    private static final long AFTER_KILL_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /** A stream read to its end, the first bytes kept. */
    public record Capped(String text, boolean truncated) {
        static final Capped EMPTY = new Capped("", false);
    }

    /** How {@link #failure} begins when the process ran out of time. */
    static final String TIMED_OUT = "timed out ";

    /** Whether it was killed for running out of time. */
    public boolean timedOut() {
        return failure != null && failure.startsWith(TIMED_OUT);
    }

    public boolean failed() {
        return failure != null;
    }

    /**
     * Runs {@code builder} (its command, directory and environment set by the caller; its command gains a
     * {@code setsid} prefix).
     *
     * @param io runs the threads that feed stdin and drain stdout and stderr (three per run)
     */
    public static ProcessRun run(ProcessBuilder builder, byte[] stdin, Duration timeout, int maxStdout, int maxStderr,
            Executor io) throws InterruptedException {
        return run(builder, stdin, System.nanoTime() + timeout.toNanos(), timeout, maxStdout, maxStderr, io);
    }

    /** As {@link #run(ProcessBuilder, byte[], Duration, int, int, Executor)}, to a deadline set earlier. */
    static ProcessRun run(ProcessBuilder builder, byte[] stdin, long deadline, Duration timeout, int maxStdout,
            int maxStderr, Executor io) throws InterruptedException {
        ProcessTree tree;
        try {
            tree = ProcessTree.start(builder);
        } catch (IOException e) {
            return new ProcessRun(-1, Capped.EMPTY, Capped.EMPTY, "cannot start: " + e.getMessage());
        }
        Process process = tree.process();
        Feed feed = new Feed(process.getOutputStream(), stdin);
        Drain out = new Drain(process.getInputStream(), maxStdout);
        Drain err = new Drain(process.getErrorStream(), maxStderr);
        String failure;
        try {
            io.execute(feed);
            io.execute(out);
            io.execute(err);
            if (tree.waitFor(deadline)) {
                // An exit just before the deadline still gets the readers' short grace to take its last output.
                long now = System.nanoTime();
                long until = Math.max(Math.min(deadline, now + AFTER_EXIT_NANOS), now + AFTER_KILL_NANOS);
                if (out.await(until) && err.await(until)) {
                    feed.abandon(); // it exited: input it did not read is not its error
                    return new ProcessRun(process.exitValue(), out.result(), err.result(), null);
                }
                failure = "exited but a child process kept its output open; killed";
            } else {
                failure = TIMED_OUT + "after " + timeout.toMillis() + "ms; process tree killed";
            }
            tree.kill();
            long until = System.nanoTime() + AFTER_KILL_NANOS;
            out.await(until);
            err.await(until);
        } catch (InterruptedException | RuntimeException e) {
            tree.kill(); // the proxy is stopping (or the executor refused): leave nothing running
            throw e;
        } finally {
            feed.abandon();
            out.abandon();
            err.abandon();
        }
        return new ProcessRun(-1, out.result(), err.result(), failure);
    }

    /** A builder for {@code command} run in {@code dir}. */
    public static ProcessBuilder in(Path dir, List<String> command) {
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    /** Writes stdin and closes it. */
    private static final class Feed implements Runnable {
        private final OutputStream stdin;
        private final byte[] bytes;

        Feed(OutputStream stdin, byte[] bytes) {
            this.stdin = stdin;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException e) {
                // The process did not read its input (or exited first): not its error.
            }
        }

        void abandon() {
            try {
                stdin.close();
            } catch (IOException e) {
                // already closed or broken
            }
        }
    }

    /**
     * Reads a stream to its end on an io thread, keeping the first bytes. Its result can be taken at any
     * time (what came so far); a read blocked on a pipe that a killed-too-late process still holds is not
     * waited for.
     */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CountDownLatch done = new CountDownLatch(1);
        private boolean truncated;

        Drain(InputStream in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    keep(buffer, n);
                }
            } catch (IOException e) {
                // the process was killed, or the run abandoned us: keep what came
            } finally {
                done.countDown();
            }
        }

        private synchronized void keep(byte[] buffer, int n) {
            int room = max - kept.size();
            if (room > 0) {
                kept.write(buffer, 0, Math.min(n, room));
            }
            truncated |= n > room;
        }

        /** Whether it read to the end before {@code deadline} ({@link System#nanoTime()}). */
        boolean await(long deadline) throws InterruptedException {
            return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        synchronized Capped result() {
            return kept.size() == 0 && !truncated ? Capped.EMPTY
                    : new Capped(kept.toString(StandardCharsets.UTF_8), truncated);
        }

        void abandon() {
            if (done.getCount() > 0) {
                try {
                    in.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }
}
