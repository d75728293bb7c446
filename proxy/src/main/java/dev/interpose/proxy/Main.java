package dev.interpose.proxy;

import dev.interpose.config.ConfigException;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.LogFormat;
import dev.interpose.config.Overrides;
import dev.interpose.config.ConfigPaths;
import dev.interpose.config.ConfigWatcher;
import dev.interpose.config.Extension;
import dev.interpose.config.Extensions;
import dev.interpose.hooks.Plugins;
import dev.interpose.config.Setting;
import java.nio.file.Path;
import dev.interpose.proxy.server.InterposeServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code interpose}: the command line. {@code interpose} alone (or {@code interpose serve}) runs the proxy.
 *
 * <p>Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 when the server cannot start (port in use),
 * 2 for a bad command line or configuration.
 */
@Command(name = "interpose", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A local HTTP proxy for LLM traffic: Claude Code, Codex and any other client.",
        subcommands = {Main.Serve.class, Main.ConfigCommand.class, Main.ListCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start (for example, the port is in use)",
                "2:bad command line or configuration"})
public final class Main implements Callable<Integer> {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_CONFIG = 2;

    @Mixin
    private ServeOptions options;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> EXIT_BAD_CONFIG);
        int code = cli.execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        return serve(options);
    }

    /** {@code interpose serve}: run the proxy (the default command). */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the proxy (the default).")
    static final class Serve implements Callable<Integer> {
        @Mixin
        private ServeOptions options;

        @Override
        public Integer call() throws Exception {
            return serve(options);
        }
    }

    /** The options of {@code serve}, shared by the top-level command. */
    static final class ServeOptions {
        @Option(names = "--host", description = "Interface to listen on (default 127.0.0.1).")
        String host;

        @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default 10000).")
        Integer port;

        @Option(names = "--upstream", paramLabel = "NAME=URL",
                description = "Base URL of an upstream: anthropic, openai, chatgpt or one the config file defines. "
                        + "Repeatable. "
                        + "Also INTERPOSE_UPSTREAM_<NAME>.")
        Map<String, String> upstreams = new LinkedHashMap<>();

        @Option(names = "--upstream-proxy", paramLabel = "URL",
                description = "HTTP CONNECT proxy for the upstream leg. Also INTERPOSE_UPSTREAM_PROXY.")
        String upstreamProxy;

        @Option(names = "--connect-timeout", paramLabel = "DURATION", description = "Upstream connect timeout (10s).")
        String connectTimeout;

        @Option(names = "--head-timeout", paramLabel = "DURATION",
                description = "Longest wait for an upstream's response head (10m).")
        String headTimeout;

        @Option(names = "--idle-timeout", paramLabel = "DURATION",
                description = "Longest silence between two chunks of a response (5m).")
        String idleTimeout;

        @Option(names = "--drain-timeout", paramLabel = "DURATION",
                description = "How long exchanges in flight may finish on SIGTERM (30s).")
        String drainTimeout;

        @Option(names = "--log-format", paramLabel = "json|text",
                description = "Log lines as JSON (default) or text. Also INTERPOSE_LOG_FORMAT.")
        String logFormat;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Config file (YAML or JSON). Also INTERPOSE_CONFIG. Default: ~/.interpose/config.yaml "
                        + "then <project>/.interpose/config.yaml.")
        Path config;

        @Option(names = "--project-dir", paramLabel = "DIR", description = "Project directory (default: the current one).")
        Path projectDir;

        List<Path> files(Map<String, String> env) {
            return ConfigPaths.discover(Optional.ofNullable(config), env, project(), home());
        }

        List<Path> candidates(Map<String, String> env) {
            return ConfigPaths.candidates(Optional.ofNullable(config), env, project(), home());
        }

        Path project() {
            return projectDir != null ? projectDir : Path.of("").toAbsolutePath();
        }

        static Path home() {
            return Path.of(System.getProperty("user.home"));
        }

        Overrides overrides() {
            return new Overrides(Optional.ofNullable(host), Optional.ofNullable(port), upstreams,
                    Optional.ofNullable(upstreamProxy), Optional.ofNullable(connectTimeout),
                    Optional.ofNullable(headTimeout), Optional.ofNullable(idleTimeout),
                    Optional.ofNullable(drainTimeout), Optional.ofNullable(logFormat));
        }
    }

    private static int serve(ServeOptions options) throws Exception {
        InterposeConfig config;
        try {
            config = ConfigLoader.load(System.getenv(), options.overrides(), options.files(System.getenv()));
        } catch (ConfigException e) {
            printProblems(e);
            return EXIT_BAD_CONFIG;
        }
        if (config.logFormat() == LogFormat.TEXT && System.getProperty("logback.configurationFile") == null) {
            // Before the first logger is created: Logback reads this once, at initialisation.
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(), new ProcessorMetrics())
                .forEach(binder -> binder.bindTo(registry));

        List<Extension> extensions = Extensions.discover(options.project(), ServeOptions.home());
        InterposeServer server = new InterposeServer(config, extensions, options.project(), registry);
        InetSocketAddress bound;
        try {
            bound = server.start();
        } catch (Exception e) {
            System.err.println("interpose: cannot listen on " + config.listener().host() + ":"
                    + config.listener().port() + ": " + e.getMessage());
            server.stop(java.time.Duration.ZERO);
            return EXIT_START_FAILED;
        }
        System.out.println("listening on " + listeningUrl(bound, config.listener().host()));
        System.out.flush();

        org.slf4j.LoggerFactory.getLogger(Main.class).info("extensions: {}", Reloader.summary(extensions));
        Reloader.report(extensions);
        Reloader reloader = new Reloader(() -> options.files(System.getenv()), options.overrides(), options.project(),
                ServeOptions.home(), server);
        List<Path> watchedFiles = new java.util.ArrayList<>(options.candidates(System.getenv()));
        watchedFiles.addAll(Extensions.files(options.project(), ServeOptions.home()));
        ConfigWatcher watcher = new ConfigWatcher(watchedFiles, Extensions.folders(options.project(),
                ServeOptions.home()), java.time.Duration.ofMillis(100), reloader::reload);

        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        stop.await();
        watcher.close();
        boolean drained = server.stop(config.drainTimeout());
        org.slf4j.LoggerFactory.getLogger(Main.class).info("stopped; in-flight exchanges {}",
                drained ? "all finished" : "cut off after the drain timeout");
        // Flush the async appender: System.exit does not wait for queued log lines.
        ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).stop();
        return 0;
    }

    /**
     * The URL the proxy listens on as a user would type it: {@code http://0.0.0.0:PORT} for the IPv4 wildcard
     * (which the JVM reports as the IPv6 one), IPv6 literals in brackets.
     */
    static String listeningUrl(InetSocketAddress bound, String configuredHost) {
        java.net.InetAddress address = bound.getAddress();
        String host;
        if (address.isAnyLocalAddress()) {
            host = configuredHost.contains(":") ? "[::]" : "0.0.0.0";
        } else if (address instanceof java.net.Inet6Address) {
            String literal = address.getHostAddress();
            int zone = literal.indexOf('%');
            host = "[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]";
        } else {
            host = address.getHostAddress();
        }
        return "http://" + host + ":" + bound.getPort();
    }

    private static void printProblems(ConfigException e) {
        PrintWriter err = new PrintWriter(System.err, true);
        err.println("interpose: invalid configuration:");
        e.problems().forEach(p -> err.println("  " + p));
    }

    /** {@code interpose config check|show}. */
    @Command(name = "config", mixinStandardHelpOptions = true, description = "Check or show the configuration.",
            subcommands = {ConfigCheck.class, ConfigShow.class})
    static final class ConfigCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return EXIT_BAD_CONFIG;
        }
    }

    /** Validates the configuration: exit 0 when valid, 2 with every problem listed when not. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration; exit 2 listing every problem.")
    static final class ConfigCheck implements Callable<Integer> {
        @Mixin
        private ServeOptions options;

        @Override
        public Integer call() {
            List<Path> files = options.files(System.getenv());
            try {
                ConfigLoader.load(System.getenv(), options.overrides(), files);
            } catch (ConfigException e) {
                printProblems(e);
                return EXIT_BAD_CONFIG;
            }
            System.out.println("configuration is valid" + (files.isEmpty() ? " (built-in defaults, no file)"
                    : " (" + files.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")) + ")"));
            return 0;
        }
    }

    /** Prints every effective value and where it came from, secrets masked. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration and where each value came from.")
    static final class ConfigShow implements Callable<Integer> {
        @Mixin
        private ServeOptions options;

        @Override
        public Integer call() {
            Map<String, Setting> settings;
            try {
                settings = ConfigLoader.resolve(System.getenv(), options.overrides(), options.files(System.getenv()));
            } catch (ConfigException e) {
                printProblems(e);
                return EXIT_BAD_CONFIG;
            }
            new java.util.TreeMap<>(settings).values().forEach(s -> System.out.printf("%s = %s  (%s)%n", s.key(),
                    dev.interpose.config.Secrets.mask(s.value()), s.source().describe()));
            return 0;
        }
    }

    /** {@code interpose list}: every hook, command, agent and plugin found, where from, and what failed to load. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the hooks, commands, agents and plugins found; exit 1 when any failed to load.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--project-dir", paramLabel = "DIR", description = "Project directory (default: the current one).")
        Path projectDir;

        @Override
        public Integer call() {
            List<Extension> found = Extensions.discover(projectDir != null ? projectDir : Path.of("").toAbsolutePath(),
                    Path.of(System.getProperty("user.home")));
            boolean failed = false;
            for (Extension.Kind kind : Extension.Kind.values()) {
                System.out.println(kind.name().toLowerCase(java.util.Locale.ROOT) + "s:");
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
                                .map(dev.interpose.config.HookEvent::wireName).toList()).toList();
                    }
                    String state = error != null ? "  FAILED: " + error
                            : e.hiddenBy() != null ? "  (hidden by " + e.hiddenBy() + ")" : hooks;
                    System.out.printf("  %-28s %-8s %s%s%n", e.name(), e.scope(), e.file(),
                            dev.interpose.config.Secrets.mask(state));
                    failed |= error != null;
                }
            }
            return failed ? 1 : 0;
        }
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"interpose " + (v == null ? "dev" : v)};
        }
    }
}
