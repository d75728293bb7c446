package dev.interpose.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A subagent read from its markdown file, as Claude Code's agent files are: front matter {@code name}
 * (defaults to the file name), {@code description}, {@code model} (else, and for {@code inherit}, the
 * triggering request's), {@code tools} (the tools it may be offered; empty for all), {@code disallowedTools}
 * (taken off them) and {@code maxTurns}; the body is the agent's system prompt. Other documented keys
 * ({@code color}, {@code permissionMode}...) and unknown ones are accepted and ignored.
 *
 * @param tools           tool names ({@code Bash}, {@code Bash(git *)}, {@code mcp__github}), empty for all
 * @param disallowedTools tool names never offered, whatever {@code tools} says
 * @param maxTurns        the most model turns it may take, 0 when the file sets none (or not a positive number)
 */
public record AgentDefinition(String name, Path file, String description, String model, List<String> tools,
        List<String> disallowedTools, int maxTurns, String systemPrompt) {

    public AgentDefinition {
        tools = List.copyOf(tools);
        disallowedTools = List.copyOf(disallowedTools);
    }

    /** Reads an agent file; a broken one throws with a message naming the key and what was expected. */
    public static AgentDefinition read(String fileName, Path file) throws FrontMatter.Invalid {
        FrontMatter matter = FrontMatter.read(file);
        String name = matter.text("name");
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9_.:-]*")) {
            // where the YAML broke (its line and key) when it did: the name may be what is left of a broken line
            String where = matter.problem() != null ? "front matter " + matter.problem() + "; " : "front matter: ";
            throw new FrontMatter.Invalid(where + "name: \"" + name
                    + "\" (expected letters, digits and _ . : - only, as it is typed in /agents and agents: lists)");
        }
        if (matter.body().isBlank()) {
            throw new FrontMatter.Invalid("the agent's system prompt (the text after the front matter) is empty");
        }
        String model = matter.text("model");
        if (model != null && (model.isBlank() || model.equals("inherit"))) {
            model = null; // inherit: the triggering request's model
        }
        return new AgentDefinition(name != null ? name : fileName, file, matter.text("description"),
                model, matter.list("tools"), matter.list("disallowedTools"), turns(matter.text("maxTurns")),
                matter.body().strip());
    }

    /** {@code maxTurns} as a number; anything else is accepted as no limit, as Claude Code loads the file. */
    private static int turns(String text) {
        try {
            return text == null ? 0 : Math.max(0, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
