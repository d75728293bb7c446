package dev.interpose.config;

import java.time.Duration;

/**
 * How slash commands expand.
 *
 * @param shell           whether {@code !`command`} in a command file may run a shell command (still only
 *                        what the command's {@code allowed-tools} permits)
 * @param shellTimeout    how long such a command may run before its process tree is killed
 * @param maxIncludeBytes largest file an {@code @path} include may inline
 */
public record CommandsConfig(boolean shell, Duration shellTimeout, int maxIncludeBytes) {
    public static final CommandsConfig DEFAULT = new CommandsConfig(ConfigTable.SHELL.defaultValue(),
            ConfigTable.SHELL_TIMEOUT.defaultValue(), ConfigTable.MAX_INCLUDE_BYTES.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}. */
    public CommandsConfig {
        ConfigTable.SHELL_TIMEOUT.check(shellTimeout);
        ConfigTable.MAX_INCLUDE_BYTES.check(maxIncludeBytes);
    }
}
