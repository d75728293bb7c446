package dev.interpose.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A slash command read from its markdown file: front matter as Claude Code's ({@code description},
 * {@code argument-hint}, {@code model}, {@code allowed-tools}) plus {@code agents}; other keys are kept in
 * the file and ignored, as Claude Code does. The body is the template the command expands to.
 *
 * @param name         {@code git:pr} for {@code git/pr.md}
 * @param description  what it does, for {@code /commands}; null when not given
 * @param argumentHint how to call it, for {@code /commands}; null when not given
 * @param model        the model the request uses for this turn, or null to keep the request's
 * @param allowedTools Claude Code permission rules; {@code Bash(git status:*)} lets {@code !`git status`} run
 * @param agents       subagents to run on the expanded text
 */
public record CommandDefinition(String name, Path file, String description, String argumentHint, String model,
        List<String> allowedTools, List<String> agents, String body) {

    public CommandDefinition {
        allowedTools = List.copyOf(allowedTools);
        agents = List.copyOf(agents);
    }

    /** Reads a command file; a broken one throws with a message naming the key and what was expected. */
    public static CommandDefinition read(String name, Path file) throws FrontMatter.Invalid {
        FrontMatter matter = FrontMatter.read(file);
        return new CommandDefinition(name, file, matter.text("description"), matter.text("argument-hint"),
                matter.text("model"), matter.list("allowed-tools"), matter.list("agents"), matter.body());
    }
}
