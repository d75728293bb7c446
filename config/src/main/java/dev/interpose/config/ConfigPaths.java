package dev.interpose.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which config files apply, in increasing precedence. A file named with {@code --config} (or else
 * {@code INTERPOSE_CONFIG}) is the only one; otherwise {@code ~/.interpose/config.yaml} then
 * {@code <project>/.interpose/config.yaml}, each if it exists, the project's overriding the user's.
 */
public final class ConfigPaths {
    private ConfigPaths() {
    }

    /** The files whose creation, change or removal changes the configuration: what {@link #discover} may return. */
    public static List<Path> candidates(Optional<Path> explicit, Map<String, String> env, Path projectDir, Path home) {
        if (explicit.isPresent()) {
            return List.of(explicit.get());
        }
        String fromEnv = env.get("INTERPOSE_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return List.of(Path.of(fromEnv));
        }
        return List.of(home.resolve(".interpose").resolve("config.yaml"),
                projectDir.resolve(".interpose").resolve("config.yaml"));
    }

    /** The config files to load, lowest precedence first. */
    public static List<Path> discover(Optional<Path> explicit, Map<String, String> env, Path projectDir, Path home) {
        if (explicit.isPresent()) {
            return List.of(explicit.get());
        }
        String fromEnv = env.get("INTERPOSE_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return List.of(Path.of(fromEnv));
        }
        List<Path> files = new ArrayList<>();
        Path user = home.resolve(".interpose").resolve("config.yaml");
        Path project = projectDir.resolve(".interpose").resolve("config.yaml");
        if (Files.isRegularFile(user)) {
            files.add(user);
        }
        if (Files.isRegularFile(project) && !project.toAbsolutePath().normalize().equals(user.toAbsolutePath().normalize())) {
            files.add(project);
        }
        return files;
    }
}
