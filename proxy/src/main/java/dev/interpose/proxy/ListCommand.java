package dev.interpose.proxy;

import dev.interpose.commands.Expander;
import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import dev.interpose.config.ConfigException;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.Extension;
import dev.interpose.config.Extensions;
import dev.interpose.config.FrontMatter;
import dev.interpose.config.HookEvent;
import dev.interpose.config.Secrets;
import dev.interpose.hooks.Plugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code interpose list}: every file read as a hook, command, skill, Codex prompt, agent or plugin, what it was
 * taken for, where from, what failed to load, what is worth knowing about one that loaded (front matter read
 * leniently, shell lines that will not run and why), and the files looked at and skipped, with why.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the hooks, commands, skills, agents and plugins found; exit 1 when any failed to load.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    private ServeOptions options;

    @Override
    public Integer call() {
        Path project = options.project();
        Path home = ServeOptions.home();
        CommandsConfig commands = commandsConfig();
        List<Extension> found = Extensions.discover(project, home, ServeOptions.codexHome());
        boolean failed = false;
        for (Extension.Kind kind : Extension.Kind.values()) {
            System.out.println(kind.name().toLowerCase(Locale.ROOT) + "s:");
            List<Extension> ofKind = found.stream().filter(e -> e.kind() == kind).toList();
            if (ofKind.isEmpty()) {
                System.out.println("  (none)");
            }
            for (Extension e : ofKind) {
                String error = e.error();
                String hooks = "";
                if (error == null && kind == Extension.Kind.PLUGIN) {
                    Plugins.Plugin plugin = Plugins.load(e.file());
                    error = plugin.error();
                    hooks = "  hooks: " + plugin.hooks().stream().map(h -> h.name() + " " + h.events().stream()
                            .map(HookEvent::wireName).toList()).toList();
                }
                String state = error != null ? "  FAILED: " + error
                        : e.hiddenBy() != null ? "  (hidden by " + e.hiddenBy() + ")" : hooks;
                System.out.printf("  %-28s %-8s %-12s %s%s%n", e.name(), e.scope(), e.kindOfFile(), e.file(),
                        Secrets.mask(state));
                for (String note : notes(e, commands)) {
                    System.out.println("      note: " + Secrets.mask(note));
                }
                failed |= error != null;
            }
        }
        List<String> skipped = Extensions.skipped(project, home);
        if (!skipped.isEmpty()) {
            System.out.println("skipped:");
            skipped.forEach(s -> System.out.println("  " + Secrets.mask(s)));
        }
        return failed ? 1 : 0;
    }

    /** The configuration's command settings, or the defaults when it does not load (`config check` says why). */
    private CommandsConfig commandsConfig() {
        try {
            return ConfigLoader.load(System.getenv(), options.overrides(), options.files(System.getenv())).commands();
        } catch (ConfigException e) {
            System.out.println("(the configuration does not load, `interpose config check` says why: commands are "
                    + "judged by the defaults)");
            return CommandsConfig.DEFAULT;
        }
    }

    private static List<String> notes(Extension e, CommandsConfig commands) {
        List<String> notes = new ArrayList<>();
        if (e.note() != null) {
            notes.add(e.note());
        }
        if (e.kind() == Extension.Kind.COMMAND && e.loaded() && e.hiddenBy() == null) {
            try {
                CommandDefinition command = CommandDefinition.read(e.name(), e.file());
                if (!command.userInvocable()) {
                    notes.add("user-invocable: false: not offered to be typed, as in Claude Code");
                }
                notes.addAll(Expander.shellNotes(command, commands));
            } catch (FrontMatter.Invalid invalid) {
                notes.add("changed while listed: " + invalid.getMessage());
            }
        }
        return notes;
    }
}
