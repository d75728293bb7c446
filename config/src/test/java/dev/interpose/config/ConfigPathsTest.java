package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ConfigPathsTest {
    @TempDir
    Path dir;

    @Test
    void explicitFileThenEnvironmentThenUserAndProjectFiles() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path project = Files.createDirectories(dir.resolve("project"));
        assertThat(ConfigPaths.discover(Optional.empty(), Map.of(), project, home)).isEmpty();

        Path user = Files.writeString(Files.createDirectories(home.resolve(".interpose")).resolve("config.yaml"), "");
        assertThat(ConfigPaths.discover(Optional.empty(), Map.of(), project, home)).containsExactly(user);

        Path projectFile = Files.writeString(Files.createDirectories(project.resolve(".interpose")).resolve("config.yaml"), "");
        assertThat(ConfigPaths.discover(Optional.empty(), Map.of(), project, home)).containsExactly(user, projectFile);
        assertThat(ConfigPaths.discover(Optional.empty(), Map.of(), home, home)).as("project dir is the home dir")
                .containsExactly(user);

        Path fromEnv = dir.resolve("env.yaml");
        assertThat(ConfigPaths.discover(Optional.empty(), Map.of("INTERPOSE_CONFIG", fromEnv.toString()), project, home))
                .containsExactly(fromEnv);
        Path explicit = dir.resolve("flag.yaml");
        assertThat(ConfigPaths.discover(Optional.of(explicit), Map.of("INTERPOSE_CONFIG", fromEnv.toString()), project, home))
                .containsExactly(explicit);
    }
}
