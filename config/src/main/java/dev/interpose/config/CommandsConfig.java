package dev.interpose.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How slash commands expand.
 *
 * @param shell           whether {@code !`command`} in a command file may run a shell command (still only
 *                        what the command's {@code allowed-tools} permits)
 * @param shellTimeout    how long such a command may run before its process tree is killed
 * @param maxIncludeBytes largest file an {@code @path} include may inline
 */
public record CommandsConfig(boolean shell, Duration shellTimeout, int maxIncludeBytes) {
    public static final CommandsConfig DEFAULT = new CommandsConfig(false, Duration.ofSeconds(10), 256 * 1024);

    public CommandsConfig {
        Objects.requireNonNull(shellTimeout, "shellTimeout");
    }
}
