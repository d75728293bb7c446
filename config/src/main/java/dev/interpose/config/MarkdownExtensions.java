package dev.interpose.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the markdown extensions: commands, skills, Codex prompts and agents, where each client keeps them,
 * in precedence order, and the files looked at but not taken (with why). Plain file reading, called off the
 * event loop.
 *
 * <p>Commands, by name, the first found wins:
 * <ol>
 *   <li>{@code .interpose/commands/}, then {@code .codexplus/commands/}, the project's before the user's (subfolders
 *       namespace them: {@code git/pr.md} is {@code git:pr});</li>
 *   <li>Claude Code's, as Claude Code ranks them: a skill beats a command of the same name, a personal one beats
 *       a project one: {@code ~/.claude/skills/<name>/SKILL.md}, {@code .claude/skills/<name>/SKILL.md},
 *       {@code ~/.claude/commands/}, {@code .claude/commands/};</li>
 *   <li>Codex's skills, {@code ~/.agents/skills/<name>/SKILL.md} then {@code .agents/skills/<name>/SKILL.md};
 *       and its prompts, {@code ~/.codex/prompts/<name>.md}, typed {@code /prompts:<name>}.</li>
 * </ol>
 * Agents: {@code *.md} under {@code .interpose/agents/}, {@code .codexplus/agents/}, {@code .claude/agents/},
 * subfolders included (as Claude Code finds {@code .claude/agents/team/builder.md}), the project's before the
 * user's. A file without front matter is not an agent (Claude Code ignores it): it is skipped.
 */
final class MarkdownExtensions {
    private MarkdownExtensions() {
    }

    /** A file looked at and not taken, and why. */
    record Skipped(Path file, String reason) {
    }

    /** The folders to watch, each with everything below it. */
    static List<Path> folders(Path projectDir, Path home) {
        List<Path> folders = new ArrayList<>();
        for (Path base : List.of(projectDir, home)) {
            for (String folder : List.of(".interpose", ".codexplus", ".claude")) {
                folders.add(base.resolve(folder).resolve("commands"));
                folders.add(base.resolve(folder).resolve("agents"));
            }
            folders.add(base.resolve(".claude/skills"));
            folders.add(base.resolve(".agents/skills"));
        }
        folders.add(home.resolve(".codex/prompts"));
        return folders;
    }

    static void commands(Path project, Path home, boolean sameDir, List<Extension> out, List<Skipped> skipped) {
        for (String folder : List.of(".interpose", ".codexplus")) {
            commandFiles(project.resolve(folder).resolve("commands"), "project", out);
        }
        if (!sameDir) {
            for (String folder : List.of(".interpose", ".codexplus")) {
                commandFiles(home.resolve(folder).resolve("commands"), "user", out);
            }
        }
        if (!sameDir) {
            skills(home.resolve(".claude/skills"), "user", out, skipped);
        }
        skills(project.resolve(".claude/skills"), "project", out, skipped);
        if (!sameDir) {
            commandFiles(home.resolve(".claude/commands"), "user", out);
        }
        commandFiles(project.resolve(".claude/commands"), "project", out);
        if (!sameDir) {
            skills(home.resolve(".agents/skills"), "user", out, skipped);
        }
        skills(project.resolve(".agents/skills"), "project", out, skipped);
        for (Path file : list(home.resolve(".codex/prompts"), false)) {
            String fileName = file.getFileName().toString();
            if (fileName.endsWith(".md")) {
                out.add(command("prompts:" + fileName.substring(0, fileName.length() - 3), file, "user"));
            }
        }
    }

    static void agents(Path base, String scope, List<Extension> out, List<Skipped> skipped) {
        for (String folder : List.of(".interpose", ".codexplus", ".claude")) {
            Path dir = base.resolve(folder).resolve("agents");
            for (Path file : list(dir, true)) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".md")) {
                    continue;
                }
                String name = fileName.substring(0, fileName.length() - 3);
                String error = null;
                try {
                    FrontMatter matter = FrontMatter.read(file);
                    if (!matter.present()) {
                        skipped.add(new Skipped(file, "not an agent: no front matter (Claude Code ignores it too)"));
                        continue;
                    }
                    AgentDefinition.read(name, file);
                } catch (FrontMatter.Invalid e) {
                    error = e.getMessage();
                }
                out.add(new Extension(Extension.Kind.AGENT, agentName(name, file), file, scope, error, null));
            }
        }
    }

    /** The agent's name: its front matter's {@code name}, else the file's name. */
    private static String agentName(String fileName, Path file) {
        try {
            return AgentDefinition.read(fileName, file).name();
        } catch (FrontMatter.Invalid e) {
            return fileName;
        }
    }

    private static void commandFiles(Path dir, String scope, List<Extension> out) {
        for (Path file : list(dir, true)) {
            if (!file.getFileName().toString().endsWith(".md")) {
                continue;
            }
            String relative = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            out.add(command(relative.substring(0, relative.length() - 3).replace('/', ':'), file, scope));
        }
    }

    private static void skills(Path dir, String scope, List<Extension> out, List<Skipped> skipped) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path skill : entries.sorted().toList()) {
                Path file = skill.resolve("SKILL.md");
                if (!Files.isDirectory(skill)) {
                    skipped.add(new Skipped(skill, "not a skill: a skill is a folder holding SKILL.md"));
                } else if (!Files.isRegularFile(file)) {
                    skipped.add(new Skipped(skill, "not a skill: no SKILL.md in it"));
                } else {
                    out.add(command(skill.getFileName().toString(), file, scope));
                }
            }
        } catch (IOException e) {
            skipped.add(new Skipped(dir, "cannot list: " + e.getMessage()));
        }
    }

    private static Extension command(String name, Path file, String scope) {
        try {
            CommandDefinition command = CommandDefinition.read(name, file);
            return new Extension(Extension.Kind.COMMAND, name, file, scope, null, null, null, null,
                    command.problem() == null ? null : "front matter " + command.problem());
        } catch (FrontMatter.Invalid e) {
            return new Extension(Extension.Kind.COMMAND, name, file, scope, e.getMessage(), null);
        }
    }

    static List<Path> list(Path dir, boolean nested) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = nested ? Files.walk(dir) : Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
