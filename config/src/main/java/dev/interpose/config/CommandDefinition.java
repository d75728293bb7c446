package dev.interpose.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A slash command read from its markdown file: a command file, a skill's {@code SKILL.md} or a Codex prompt.
 * Front matter as Claude Code documents it ({@code description}, {@code argument-hint}, {@code arguments},
 * {@code model}, {@code allowed-tools}, {@code disallowed-tools}, {@code disable-model-invocation},
 * {@code user-invocable}) plus {@code agents}; other keys are accepted and ignored, as Claude Code does. The
 * body is the template the command expands to.
 *
 * @param name                   {@code git:pr} for {@code git/pr.md}, the folder's name for a skill,
 *                               {@code prompts:name} for a Codex prompt
 * @param description            what it does, for {@code /commands}; null when not given
 * @param argumentHint           how to call it, for {@code /commands}; null when not given
 * @param model                  the model the request uses for this turn, or null to keep the request's
 *                               ({@code inherit} is null)
 * @param allowedTools           Claude Code permission rules; {@code Bash(git status:*)} lets {@code !`git status`} run
 * @param agents                 subagents to run on the expanded text
 * @param body                   the template
 * @param style                  whose rules the template follows
 * @param argumentNames          the names of {@code arguments:}, for {@code $name} in the template
 * @param disallowedTools        permission rules that refuse a shell line whatever else allows it
 * @param userInvocable          false when {@code user-invocable: false}: left out of {@code /commands}
 * @param problem                what was wrong with the front matter (it was read leniently), or null
 */
public record CommandDefinition(String name, Path file, String description, String argumentHint, String model,
        List<String> allowedTools, List<String> agents, String body, Style style, List<String> argumentNames,
        List<String> disallowedTools, boolean userInvocable, String problem) {

    /** Whose substitution rules a command file follows, by where it was found. */
    public enum Style {
        /** A command file ({@code .claude/commands}, {@code .interpose/commands}, {@code .codexplus/commands}). */
        COMMAND,
        /** A skill, {@code <name>/SKILL.md} under {@code .claude/skills} or {@code .agents/skills}. */
        SKILL,
        /** A Codex prompt, {@code ~/.codex/prompts/*.md}, typed as {@code /prompts:name}. */
        CODEX_PROMPT;

        /** The style of the file at this path. */
        public static Style of(Path file) {
            Path parent = file.getParent();
            if (file.getFileName().toString().equals("SKILL.md") && parent != null && parent.getParent() != null
                    && parent.getParent().getFileName().toString().equals("skills")) {
                return SKILL;
            }
            if (parent != null && parent.getFileName().toString().equals("prompts") && parent.getParent() != null
                    && parent.getParent().getFileName().toString().equals(".codex")) {
                return CODEX_PROMPT;
            }
            return COMMAND;
        }
    }

    public CommandDefinition {
        allowedTools = List.copyOf(allowedTools);
        agents = List.copyOf(agents);
        argumentNames = List.copyOf(argumentNames);
        disallowedTools = List.copyOf(disallowedTools);
    }

    /** A command file's definition with no argument names, refusals or problem. */
    public CommandDefinition(String name, Path file, String description, String argumentHint, String model,
            List<String> allowedTools, List<String> agents, String body) {
        this(name, file, description, argumentHint, model, allowedTools, agents, body, Style.COMMAND, List.of(),
                List.of(), true, null);
    }

    /** The folder a skill's files are in, or null for a command file or prompt. */
    public Path skillDir() {
        return style == Style.SKILL ? file.toAbsolutePath().normalize().getParent() : null;
    }

    /** Reads a command file; only an unreadable or oversized one throws, with a message saying why. */
    public static CommandDefinition read(String name, Path file) throws FrontMatter.Invalid {
        FrontMatter matter = FrontMatter.read(file);
        Style style = Style.of(file);
        // Claude Code drops the blank lines (and any indentation) between the front matter and the text.
        String body = matter.present() ? matter.body().stripLeading() : matter.body();
        String model = matter.text("model");
        if (model != null && (model.isBlank() || model.equals("inherit"))) {
            model = null;
        }
        boolean userInvocable = !"false".equals(matter.text("user-invocable"));
        return new CommandDefinition(name, file, matter.text("description"), matter.text("argument-hint"), model,
                matter.list("allowed-tools"), matter.list("agents"), body, style, argumentNames(matter),
                matter.list("disallowed-tools"), userInvocable, matter.problem());
    }

    /**
     * The names of {@code arguments:} as Claude Code reads them: a YAML list or space-separated text, blank and
     * all-digit names left out (they would shadow {@code $0}, {@code $1}).
     */
    private static List<String> argumentNames(FrontMatter matter) throws FrontMatter.Invalid {
        com.fasterxml.jackson.databind.JsonNode value = matter.fields().get("arguments");
        List<String> names = new java.util.ArrayList<>();
        if (value == null || value.isNull()) {
            return names;
        }
        if (value.isArray()) {
            for (com.fasterxml.jackson.databind.JsonNode item : value) {
                if (item.isTextual()) {
                    names.add(item.asText());
                }
            }
        } else if (value.isTextual()) {
            names.addAll(List.of(value.asText().split("\\s+")));
        }
        names.removeIf(n -> n.isBlank() || n.matches("\\d+"));
        return names;
    }
}
