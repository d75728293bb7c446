package dev.interpose.proxy.dialect;

import java.util.List;

/**
 * The names Claude Code gives the acts of Codex's tools (docs/hook-tool-names.md): a shell command
 * ({@code exec_command}, {@code shell}, {@code shell_command}, {@code local_shell}, {@code container.exec}, and
 * typing into one with {@code write_stdin}) is {@code Bash}; {@code apply_patch} is {@code Edit} and
 * {@code Write}; any other tool keeps its own name. Hook input and an agent's {@code tools} list use these
 * names, so a file written for Claude Code means the same tools on Codex's traffic. Stateless.
 */
public final class ToolNames {
    /** Codex's tools that run a shell command. */
    public static final List<String> SHELLS = List.of("exec_command", "shell", "shell_command", "local_shell",
            "container.exec");
    /** Codex's tool that edits and writes files. */
    public static final String APPLY_PATCH = "apply_patch";

    private ToolNames() {
    }

    /** The names Claude Code gives a tool called {@code wireName}, the wire name itself last. */
    public static List<String> claudeNames(String wireName) {
        if (SHELLS.contains(wireName) || "write_stdin".equals(wireName)) {
            return List.of("Bash", wireName);
        }
        if (APPLY_PATCH.equals(wireName)) {
            return List.of("Edit", "Write", wireName);
        }
        return List.of(wireName);
    }
}
