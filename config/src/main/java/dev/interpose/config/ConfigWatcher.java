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
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when one of the config files is created, changed or deleted. Watches the files' folders
 * with the platform's file notifications (inotify on Linux: no polling), on one daemon thread; a burst of
 * events (an editor's save) is collapsed into one call after {@code quiet} without further events.
 * Folders that do not exist when it starts are not watched.
 */
public final class ConfigWatcher implements AutoCloseable {
    private final WatchService watch;
    private final Set<Path> files = new HashSet<>();
    private final Duration quiet;
    private final Runnable onChange;
    private final Thread thread;

    public ConfigWatcher(Collection<Path> files, Duration quiet, Runnable onChange) throws IOException {
        this.watch = FileSystems.getDefault().newWatchService();
        this.quiet = quiet;
        this.onChange = onChange;
        Set<Path> folders = new HashSet<>();
        for (Path file : files) {
            Path absolute = file.toAbsolutePath().normalize();
            this.files.add(absolute);
            Path folder = absolute.getParent();
            if (folder != null && Files.isDirectory(folder) && folders.add(folder)) {
                folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
        thread = new Thread(this::run, "interpose-config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                if (relevant(watch.take())) {
                    WatchKey more;
                    while ((more = watch.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                        relevant(more); // part of the same save
                    }
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
            relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || files.contains(folder.resolve((Path) event.context()).toAbsolutePath().normalize());
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
