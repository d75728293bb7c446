package dev.interpose.proxy;

import dev.interpose.config.ConfigException;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.Secrets;
import dev.interpose.config.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code interpose config check|show}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check or show the configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return Main.EXIT_BAD_CONFIG;
    }

    /** Validates the configuration: exit 0 when valid, 2 with every problem listed when not. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration; exit 2 listing every problem.")
    static final class Check implements Callable<Integer> {
        @Mixin
        private ServeOptions options;

        @Override
        public Integer call() {
            List<Path> files = options.files(System.getenv());
            try {
                ConfigLoader.load(System.getenv(), options.overrides(), files);
            } catch (ConfigException e) {
                Main.printProblems(e);
                return Main.EXIT_BAD_CONFIG;
            }
            System.out.println("configuration is valid" + (files.isEmpty() ? " (built-in defaults, no file)"
                    : " (" + files.stream().map(Path::toString).collect(Collectors.joining(", ")) + ")"));
            return 0;
        }
    }

    /** Prints every effective value and where it came from, secrets masked. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration and where each value came from.")
    static final class Show implements Callable<Integer> {
        @Mixin
        private ServeOptions options;

        @Override
        public Integer call() {
            Map<String, Setting> settings;
            try {
                settings = ConfigLoader.resolve(System.getenv(), options.overrides(), options.files(System.getenv()));
            } catch (ConfigException e) {
                Main.printProblems(e);
                return Main.EXIT_BAD_CONFIG;
            }
            new TreeMap<>(settings).values().forEach(s -> System.out.printf("%s = %s  (%s)%n", s.key(),
                    Secrets.mask(s.value()), s.source().describe()));
            return 0;
        }
    }
}
