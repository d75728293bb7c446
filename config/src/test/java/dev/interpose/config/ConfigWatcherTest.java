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
}
