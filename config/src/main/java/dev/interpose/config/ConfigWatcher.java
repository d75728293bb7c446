package dev.interpose.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Calls back when a watched file, or anything inside a watched folder tree, is created, changed or
 * deleted. Uses the platform's file notifications (inotify on Linux: no polling) on one daemon thread; a
 * burst of events (an editor's save, a {@code git checkout}) is collapsed into one call after
 * {@code quiet} without further events.
 *
 * <p>A folder that does not exist yet is noticed when it is created: its nearest existing ancestor is
 * watched until then, and new subfolders of a tree are watched as they appear. Only events on the files
 * and trees asked for call back, so a busy parent folder costs a wake-up, not a reload.
 */
public final class ConfigWatcher implements AutoCloseable {
    private final WatchService watch;
    private final Set<Path> files = new HashSet<>();
    private final List<Path> trees;
    private final Set<Path> watched = new HashSet<>();
    private final Duration quiet;
    private final Runnable onChange;
    private final Thread thread;

    /** Watches config files only. */
    public ConfigWatcher(Collection<Path> files, Duration quiet, Runnable onChange) throws IOException {
        this(files, List.of(), quiet, onChange);
    }

    /**
     * @param files single files (their folders are watched, other files there ignored)
     * @param trees folders watched with everything below them
     */
    public ConfigWatcher(Collection<Path> files, Collection<Path> trees, Duration quiet, Runnable onChange)
            throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        this.quiet = quiet;
        this.onChange = onChange;
        for (Path file : files) {
            this.files.add(absolute(file));
        }
        this.trees = trees.stream().map(ConfigWatcher::absolute).toList();
        register();
        thread = new Thread(this::run, "interpose-config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** Watches every folder that matters now; called again after each change, as folders come and go. */
    private void register() {
        for (Path file : files) {
            watchNearest(file.getParent());
        }
        for (Path tree : trees) {
            if (Files.isDirectory(tree)) {
                try (Stream<Path> dirs = Files.walk(tree)) {
                    dirs.filter(Files::isDirectory).forEach(this::watchFolder);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a folder removed while walking: the next event walks again
                }
            } else {
                watchNearest(tree.getParent());
            }
        }
    }

    /** Watches {@code folder}, or its nearest existing ancestor, to see it created. */
    private void watchNearest(Path folder) {
        Path existing = folder;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            watchFolder(existing);
        }
    }

    private void watchFolder(Path folder) {
        if (watched.contains(folder)) {
            return;
        }
        try {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            watched.add(folder);
        } catch (IOException e) {
            // gone or unreadable: not watched, as if it did not exist
        }
    }

    private void run() {
        try {
            while (true) {
                if (relevant(watch.take())) {
                    WatchKey more;
                    while ((more = watch.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                        relevant(more); // part of the same save
                    }
                    register();
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private boolean relevant(WatchKey key) {
        boolean relevant = false;
        Path folder = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
                continue;
            }
            Path path = absolute(folder.resolve((Path) event.context()));
            relevant |= files.contains(path) || trees.stream().anyMatch(t -> path.startsWith(t) || t.startsWith(path));
        }
        if (!key.reset()) {
            watched.remove(folder); // deleted: watched again if it comes back
        }
        return relevant;
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
