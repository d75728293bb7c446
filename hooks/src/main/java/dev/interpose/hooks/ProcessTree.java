package dev.interpose.hooks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A started process and everything it may have left behind, so that all of it can be killed: the process
 * is started in a session of its own ({@code setsid}, util-linux, when installed), its descendants are
 * noted while it runs (a double-forked grandchild is no longer a descendant once its parent has exited),
 * and the pipes of its stdin, stdout and stderr are remembered so that a process that escaped into a
 * session of its own but still holds one of them can be found too ({@code /proc/PID/fd}). Linux only in
 * its reach; elsewhere it kills what {@link ProcessHandle} sees. Used by one thread; not thread-safe.
 */
final class ProcessTree {
    private static final Path SETSID = firstExecutable(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final Path PROC = Path.of("/proc");
    /** How often the descendants are noted while the process runs. */
    private static final long POLL_MILLIS = 100;

    private final Process process;
    private final boolean ownSession;
    private final Set<String> pipes;
    private final Set<ProcessHandle> seen = new HashSet<>();

    private ProcessTree(Process process, boolean ownSession, Set<String> pipes) {
        this.process = process;
        this.ownSession = ownSession;
        this.pipes = pipes;
    }

    /**
     * Starts {@code builder}'s command in a session of its own when it can. The command is left as it is
     * when its program cannot be found, so that starting fails with Java's own message.
     */
    static ProcessTree start(ProcessBuilder builder) throws IOException {
        boolean ownSession = SETSID != null && !builder.command().isEmpty() && findable(builder);
        if (ownSession) {
            List<String> command = new ArrayList<>(builder.command().size() + 2);
            command.add(SETSID.toString());
            command.add("--wait"); // only matters if setsid had to fork: then it waits and passes the exit code on
            command.addAll(builder.command());
            builder.command(command);
        }
        Process process = builder.start();
        return new ProcessTree(process, ownSession, pipesOf(process.pid(), builder));
    }

    Process process() {
        return process;
    }

    /**
     * Waits for the process to exit until {@code deadline} ({@link System#nanoTime()}), noting its
     * descendants meanwhile. Whether it exited.
     */
    boolean waitFor(long deadline) throws InterruptedException {
        while (true) {
            note();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !process.isAlive();
            }
            if (process.waitFor(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MILLIS), TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
    }

    private void note() {
        try {
            process.descendants().forEach(seen::add);
        } catch (RuntimeException e) {
            // /proc unreadable for a moment: the next look or the kill's own scan covers it
        }
    }

    /**
     * Kills, with SIGKILL: every descendant seen or found now, every process of its session, every process
     * holding one of its pipes, and the process itself. Twice, for what was being forked the first time.
     */
    void kill() {
        long self = ProcessHandle.current().pid();
        for (int pass = 0; pass < 2; pass++) {
            Set<ProcessHandle> targets = new HashSet<>(seen);
            try {
                process.descendants().forEach(targets::add);
            } catch (RuntimeException e) {
                // handled by the scans below
            }
            targets.addAll(scan());
            process.destroyForcibly();
            for (ProcessHandle target : targets) {
                if (target.pid() != self) {
                    target.destroyForcibly(); // checks the start time: a reused pid is not killed
                }
            }
        }
    }

    /** The processes in its session or holding one of its pipes, found in /proc. */
    private List<ProcessHandle> scan() {
        List<ProcessHandle> found = new ArrayList<>();
        if (!ownSession && pipes.isEmpty()) {
            return found;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : all) {
                long pid;
                try {
                    pid = Long.parseLong(dir.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && (inSession(dir) || holdsPipe(dir))) {
                    ProcessHandle.of(pid).ifPresent(found::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux): the descendants are all that can be found
        }
        return found;
    }

    private boolean inSession(Path dir) {
        if (!ownSession) {
            return false;
        }
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields.length > 3 && Long.parseLong(fields[3]) == process.pid();
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not ours to read
        }
    }

    private boolean holdsPipe(Path dir) {
        if (pipes.isEmpty()) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or another user's process
        }
        return false;
    }

    /**
     * The pipes ({@code pipe:[inode]}) that are the child's stdin, stdout and stderr, for the streams the
     * builder pipes to this JVM; never one of this JVM's own standard streams (an inherited stream would
     * otherwise make every holder of the terminal or the log pipe a target).
     */
    private static Set<String> pipesOf(long pid, ProcessBuilder builder) {
        Set<String> pipes = new HashSet<>();
        boolean[] piped = {
            builder.redirectInput().type() == ProcessBuilder.Redirect.Type.PIPE,
            builder.redirectOutput().type() == ProcessBuilder.Redirect.Type.PIPE,
            builder.redirectErrorStream() ? builder.redirectOutput().type() == ProcessBuilder.Redirect.Type.PIPE
                    : builder.redirectError().type() == ProcessBuilder.Redirect.Type.PIPE};
        for (int fd = 0; fd < 3; fd++) {
            if (piped[fd]) {
                String link = link(PROC.resolve(Long.toString(pid)).resolve("fd").resolve(Integer.toString(fd)));
                if (link != null && link.startsWith("pipe:")) {
                    pipes.add(link);
                }
            }
        }
        for (int fd = 0; fd < 3; fd++) {
            pipes.remove(link(PROC.resolve("self").resolve("fd").resolve(Integer.toString(fd))));
        }
        return pipes;
    }

    private static String link(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException | RuntimeException e) {
            return null; // exited already, or no /proc
        }
    }

    /** Whether the program would be found: a path to an executable file, or a name on the PATH. */
    private static boolean findable(ProcessBuilder builder) {
        String program = builder.command().get(0);
        try {
            if (program.contains("/")) {
                Path dir = builder.directory() == null ? Path.of("") : builder.directory().toPath();
                return executable(dir.resolve(program));
            }
            String path = System.getenv("PATH"); // the JVM's PATH is the one the program is searched on
            if (path == null) {
                return false;
            }
            for (String entry : path.split(":")) {
                if (!entry.isEmpty() && executable(Path.of(entry, program))) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }

    private static boolean executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static Path firstExecutable(Path... candidates) {
        for (Path candidate : candidates) {
            if (executable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
