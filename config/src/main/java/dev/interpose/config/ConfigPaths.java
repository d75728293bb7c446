package dev.interpose.config;

import java.nio.file.Files;
import java.nio.file.Path;
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
        return named(explicit, env).map(List::of).orElseGet(() -> List.of(
                home.resolve(".interpose").resolve("config.yaml"), projectDir.resolve(".interpose").resolve("config.yaml")));
    }

    /** The config files to load, lowest precedence first: a named file always (a missing one is an error), else the candidates that exist. */
    public static List<Path> discover(Optional<Path> explicit, Map<String, String> env, Path projectDir, Path home) {
        if (named(explicit, env).isPresent()) {
            return candidates(explicit, env, projectDir, home);
        }
        return candidates(explicit, env, projectDir, home).stream().filter(Files::isRegularFile)
                .map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    /** The file named by {@code --config} or else {@code INTERPOSE_CONFIG}, if any. */
    private static Optional<Path> named(Optional<Path> explicit, Map<String, String> env) {
        if (explicit.isPresent()) {
            return explicit;
        }
        String fromEnv = env.get("INTERPOSE_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnv));
    }
}
