package dev.interpose.config;

import java.nio.file.Path;

/**
 * One hook, command, agent or plugin jar found in an extension folder, whether it loaded, and whether one of higher
 * precedence with the same name hides it.
 *
 * @param kind     what it is
 * @param name     its name: a command's {@code git:pr}, an agent's file name, a hook's file name or
 *                 {@code Event[matcher]#n} for a settings-file hook
 * @param file     the file it came from
 * @param scope    {@code project} or {@code user}
 * @param error    why it failed to load, or null
 * @param hiddenBy the file of the same-named extension that takes precedence, or null
 * @param hook     how to run it, for a hook that loaded; else null
 * @param version  for a plugin jar, its size and modification time, so a replaced jar counts as a change;
 *                 else null
 * @param note     for one that loaded, what is worth knowing (its front matter was read leniently, a shell
 *                 line of a command will not run...); else null
 */
public record Extension(Kind kind, String name, Path file, String scope, String error, Path hiddenBy,
        HookDefinition hook, String version, String note) {

    Extension(Kind kind, String name, Path file, String scope, String error, Path hiddenBy) {
        this(kind, name, file, scope, error, hiddenBy, null, null, null);
    }

    Extension(Kind kind, String name, Path file, String scope, String error, Path hiddenBy, HookDefinition hook,
            String version) {
        this(kind, name, file, scope, error, hiddenBy, hook, version, null);
    }

    static Extension hook(HookDefinition hook, Path file, String scope) {
        return new Extension(Kind.HOOK, hook.name(), file, scope, null, null, hook, null);
    }

    /** What there is: script hooks, commands, agents, and jars of in-process Java hooks. */
    public enum Kind { HOOK, COMMAND, AGENT, PLUGIN }

    /**
     * What the file was taken for: {@code command}, {@code skill}, {@code codex prompt} or {@code agent}, and
     * {@code hook}, {@code codex hook} (from Codex's own hook files) or {@code plugin}.
     */
    public String kindOfFile() {
        if (kind == Kind.HOOK && (name.startsWith("codex:") || name.startsWith("codex-toml:"))) {
            return "codex hook";
        }
        if (kind != Kind.COMMAND) {
            return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
        switch (CommandDefinition.Style.of(file)) {
            case SKILL:
                return file.toString().contains("/.agents/") ? "codex skill" : "skill";
            case CODEX_PROMPT:
                return "codex prompt";
            default:
                return "command";
        }
    }

    public boolean loaded() {
        return error == null;
    }

    Extension hiddenBy(Path winner) {
        return new Extension(kind, name, file, scope, error, winner, hook, version, note);
    }
}
