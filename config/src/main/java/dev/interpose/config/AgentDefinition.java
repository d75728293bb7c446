package dev.interpose.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A subagent read from its markdown file, as Claude Code's agent files are: front matter {@code name}
 * (defaults to the file name), {@code description}, {@code model} (else, and for {@code inherit}, the
 * triggering request's) and {@code tools}; the body is the agent's system prompt. Other documented keys
 * ({@code disallowedTools}, {@code maxTurns}, {@code color}...) and unknown ones are accepted and ignored.
 */
public record AgentDefinition(String name, Path file, String description, String model, List<String> tools,
        String systemPrompt) {

    public AgentDefinition {
        tools = List.copyOf(tools);
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
                model, matter.list("tools"), matter.body().strip());
    }
}
