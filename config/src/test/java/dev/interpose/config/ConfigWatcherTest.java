package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ConfigWatcherTest {
    @TempDir
    Path dir;

    @Test
    void createChangeAndDeleteOfAWatchedFileEachCallBackOnceAndOtherFilesDoNot() throws Exception {
        Path config = dir.resolve("config.yaml");
        Semaphore changes = new Semaphore(0);
        try (ConfigWatcher watcher = new ConfigWatcher(List.of(config), Duration.ofMillis(50), changes::release)) {
            Files.writeString(config, "listener:\n  port: 1\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("created").isTrue();
            Files.writeString(config, "listener:\n  port: 2\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("changed").isTrue();
            Files.writeString(dir.resolve("other.yaml"), "x: 1\n");
            Files.delete(config);
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("deleted").isTrue();
            assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("nothing more").isFalse();
        }
    }

    @Test
    void aFolderTreeIsWatchedFromBeforeItExistsDownToNewSubfolders() throws Exception {
        Path tree = dir.resolve(".interpose/commands");
        Semaphore changes = new Semaphore(0);
        try (ConfigWatcher watcher = new ConfigWatcher(List.of(), List.of(tree), Duration.ofMillis(50),
                changes::release)) {
            Files.writeString(dir.resolve("README.md"), "not watched\n");
            assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("a file beside the tree").isFalse();
            Files.createDirectories(tree.resolve("git"));
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("tree created").isTrue();
            changes.drainPermits();
            Files.writeString(tree.resolve("git/pr.md"), "Open a PR\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file in a new subfolder").isTrue();
            Files.writeString(tree.resolve("git/pr.md"), "Open a pull request\n");
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file changed").isTrue();
            Files.delete(tree.resolve("git/pr.md"));
            assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("file deleted").isTrue();
            Files.writeString(dir.resolve(".interpose/notes.txt"), "beside the tree\n");
            assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("nothing more").isFalse();
        }
    }
}
