package dev.interpose.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds hooks, commands and agents in the extension folders, in precedence order: the project's before
 * the user's (as Claude Code ranks project agents over user agents), and within each,
 * {@code .interpose} before {@code .codexplus} before {@code .claude}. A command or agent name found twice
 * is kept once: the later ones are reported as hidden (hooks all run, as Claude Code merges them). A file that cannot be loaded is reported with the reason and
 * skipped; it never stops the others. Plain file reading, called off the event loop.
 *
 * <ul>
 *   <li>hooks: executables in {@code .interpose/hooks/} and {@code .codexplus/hooks/}, and the {@code hooks}
 *       section of Claude Code's settings files ({@link ClaudeSettingsHooks}), and Codex's own hook files
 *       ({@link CodexHooks}: {@code .codex/hooks.json} and {@code [hooks]} of {@code config.toml}, the project's and
 *       Codex's home's)</li>
 *   <li>commands, skills, Codex prompts and agents: see {@link MarkdownExtensions}</li>
 *   <li>plugins: {@code *.jar} in {@code .interpose/plugins/}, each holding in-process Java hooks; all load,
 *       project and user (the jar is opened by the proxy, not here)</li>
 * </ul>
 */
public final class Extensions {
    private static final List<String> FOLDERS = List.of(".interpose", ".codexplus", ".claude");

    private Extensions() {
    }

    /** The folders {@link #discover} reads, each to be watched with everything below it. */
    public static List<Path> folders(Path projectDir, Path home) {
        List<Path> folders = new ArrayList<>();
        for (Path base : List.of(projectDir, home)) {
            for (String folder : FOLDERS) {
                if (!folder.equals(".claude")) {
                    folders.add(base.resolve(folder).resolve("hooks"));
                }
            }
            folders.add(base.resolve(".interpose").resolve("plugins"));
        }
        folders.addAll(MarkdownExtensions.folders(projectDir, home));
        return folders;
    }

    /** The single files {@link #discover} reads, with Codex's home at {@code ~/.codex}. */
    public static List<Path> files(Path projectDir, Path home) {
        return files(projectDir, home, home.resolve(".codex"));
    }

    /** The single files {@link #discover} reads. */
    public static List<Path> files(Path projectDir, Path home, Path codexHome) {
        List<Path> files = new ArrayList<>(ClaudeSettingsHooks.files(projectDir.resolve(".claude"), true));
        files.addAll(ClaudeSettingsHooks.files(home.resolve(".claude"), false));
        files.addAll(CodexHooks.files(projectDir, codexHome));
        return files;
    }

    /** Codex's home: {@code $CODEX_HOME} when the environment sets it, else {@code ~/.codex}. */
    public static Path codexHome(Map<String, String> env, Path home) {
        return CodexHooks.home(env, home);
    }

    /** Everything found, in precedence order within each kind, with Codex's home at {@code ~/.codex}. */
    public static List<Extension> discover(Path projectDir, Path home) {
        return discover(projectDir, home, home.resolve(".codex"));
    }

    /** Everything found, in precedence order within each kind. */
    public static List<Extension> discover(Path projectDir, Path home, Path codexHome) {
        return discover(projectDir, home, codexHome, new ArrayList<>());
    }

    /**
     * The files looked at and not taken, each as {@code file: why}: an agent file without front matter, a
     * folder under {@code skills/} without a {@code SKILL.md}.
     */
    public static List<String> skipped(Path projectDir, Path home) {
        List<MarkdownExtensions.Skipped> skipped = new ArrayList<>();
        discover(projectDir, home, home.resolve(".codex"), skipped);
        return skipped.stream().map(s -> s.file() + ": " + s.reason()).toList();
    }

    private static List<Extension> discover(Path projectDir, Path home, Path codexHome,
            List<MarkdownExtensions.Skipped> skipped) {
        List<Extension> found = new ArrayList<>();
        boolean sameDir = projectDir.toAbsolutePath().normalize().equals(home.toAbsolutePath().normalize());
        for (Extension.Kind kind : Extension.Kind.values()) {
            List<Extension> ofKind = new ArrayList<>();
            if (kind == Extension.Kind.COMMAND) {
                MarkdownExtensions.commands(projectDir, home, sameDir, ofKind, skipped);
            } else if (kind == Extension.Kind.AGENT) {
                MarkdownExtensions.agents(projectDir, "project", ofKind, skipped);
                if (!sameDir) {
                    MarkdownExtensions.agents(home, "user", ofKind, skipped);
                }
            } else {
                scan(kind, projectDir, "project", ofKind);
                if (!sameDir) {
                    scan(kind, home, "user", ofKind);
                }
                if (kind == Extension.Kind.HOOK) {
                    CodexHooks.read(projectDir, codexHome, ofKind);
                }
            }
            // Every hook runs (Claude Code merges user and project hooks); commands and agents are looked up by
            // name, so only the first of a name counts.
            boolean allRun = kind == Extension.Kind.HOOK || kind == Extension.Kind.PLUGIN;
            if (kind == Extension.Kind.HOOK && files(projectDir, home).stream().anyMatch(ClaudeSettingsHooks::disablesAll)) {
                ofKind = ofKind.stream().map(e -> e.hook() != null && e.hook().claudeSettings()
                        ? new Extension(e.kind(), e.name(), e.file(), e.scope(), "off: disableAllHooks is set in a"
                                + " Claude Code settings file", null) : e).toList();
            }
            found.addAll(allRun ? ofKind : resolveNames(ofKind));
        }
        return found;
    }

    private static void scan(Extension.Kind kind, Path base, String scope, List<Extension> out) {
        for (String folder : FOLDERS) {
            Path root = base.resolve(folder);
            if (kind == Extension.Kind.HOOK) {
                if (!folder.equals(".claude")) {
                    hookScripts(root.resolve("hooks"), scope, out);
                } else {
                    for (Path settings : ClaudeSettingsHooks.files(root, scope.equals("project"))) {
                        ClaudeSettingsHooks.read(settings, scope, out);
                    }
                }
            } else if (kind == Extension.Kind.PLUGIN && folder.equals(".interpose")) {
                plugins(root.resolve("plugins"), scope, out);
            }
        }
    }

    private static void hookScripts(Path dir, String scope, List<Extension> out) {
        for (Path file : list(dir, false)) {
            String name = file.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~") || name.endsWith(".md")) {
                continue; // editor backups and notes beside the scripts
            }
            if (!Files.isExecutable(file)) {
                out.add(new Extension(Extension.Kind.HOOK, name, file, scope,
                        "not executable (chmod +x " + name + ")", null));
                continue;
            }
            try {
                out.add(Extension.hook(HookHeader.parse(file), file, scope));
            } catch (HookHeader.Invalid e) {
                out.add(new Extension(Extension.Kind.HOOK, name, file, scope, e.getMessage(), null));
            } catch (IOException e) {
                out.add(new Extension(Extension.Kind.HOOK, name, file, scope, "cannot read: " + e.getMessage(), null));
            }
        }
    }

    private static void plugins(Path dir, String scope, List<Extension> out) {
        for (Path jar : list(dir, false)) {
            String name = jar.getFileName().toString();
            if (!name.endsWith(".jar")) {
                continue;
            }
            try {
                String version = Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
                out.add(new Extension(Extension.Kind.PLUGIN, name, jar, scope, null, null, null, version));
            } catch (IOException e) {
                out.add(new Extension(Extension.Kind.PLUGIN, name, jar, scope, "cannot read: " + e.getMessage(), null));
            }
        }
    }

    static String frontMatterError(Path file) {
        try {
            FrontMatter.read(file);
            return null;
        } catch (FrontMatter.Invalid e) {
            return e.getMessage();
        }
    }

    private static List<Path> list(Path dir, boolean nested) {
        return MarkdownExtensions.list(dir, nested);
    }

    /**
     * How many of each kind loaded and are not hidden: those that take effect (a hook entry listed only with a note,
     * one that is off or for an event the proxy does not fire, is not counted). Every kind is present.
     */
    public static Map<Extension.Kind, Long> activeCounts(List<Extension> extensions) {
        Map<Extension.Kind, Long> counts = new java.util.EnumMap<>(Extension.Kind.class);
        for (Extension.Kind kind : Extension.Kind.values()) {
            counts.put(kind, 0L);
        }
        for (Extension e : extensions) {
            if (e.loaded() && e.hiddenBy() == null && !(e.kind() == Extension.Kind.HOOK && e.hook() == null)) {
                counts.merge(e.kind(), 1L, Long::sum); // a note of hooks the proxy does not fire is not one
            }
        }
        return counts;
    }

    /** Marks each name's later occurrences as hidden by its first. */
    private static List<Extension> resolveNames(List<Extension> ordered) {
        Map<String, Path> winners = new HashMap<>();
        List<Extension> out = new ArrayList<>();
        for (Extension e : ordered) {
            Path winner = e.loaded() ? winners.putIfAbsent(e.name(), e.file()) : null;
            out.add(winner == null ? e : e.hiddenBy(winner));
        }
        return out;
    }
}
