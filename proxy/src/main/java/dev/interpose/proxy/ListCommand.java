package dev.interpose.proxy;

import dev.interpose.config.Extension;
import dev.interpose.config.Extensions;
import dev.interpose.config.HookEvent;
import dev.interpose.config.Secrets;
import dev.interpose.hooks.Plugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code interpose list}: every hook, command, agent and plugin found, where from, and what failed to load. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the hooks, commands, agents and plugins found; exit 1 when any failed to load.")
final class ListCommand implements Callable<Integer> {
    @Option(names = "--project-dir", paramLabel = "DIR", description = "Project directory (default: the current one).")
    Path projectDir;

    @Override
    public Integer call() {
        List<Extension> found = Extensions.discover(projectDir != null ? projectDir : Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("user.home")));
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
                System.out.printf("  %-28s %-8s %s%s%n", e.name(), e.scope(), e.file(),
                        Secrets.mask(state));
                failed |= error != null;
            }
        }
        return failed ? 1 : 0;
    }
}
