package dev.interpose.proxy;

import dev.interpose.config.ConfigException;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.ConfigWatcher;
import dev.interpose.config.Extension;
import dev.interpose.config.Extensions;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.LogFormat;
import dev.interpose.proxy.server.InterposeServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code interpose}: the command line. {@code interpose} alone (or {@code interpose serve}) runs the proxy.
 *
 * <p>Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 when the server cannot start (port in use),
 * 2 for a bad command line or configuration.
 */
@Command(name = "interpose", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A local HTTP proxy for LLM traffic: Claude Code, Codex and any other client.",
        subcommands = {Main.Serve.class, ConfigCommand.class, ListCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start (for example, the port is in use)",
                "2:bad command line or configuration"})
public final class Main implements Callable<Integer> {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_CONFIG = 2;

    @Mixin
    private ServeOptions options;

    public static void main(String[] args) {
        boolean training = Boolean.getBoolean("interpose.training"); // the package step's class-data training run
        if (training) {
            args = Training.start();
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> EXIT_BAD_CONFIG);
        int code = cli.execute(args);
        if (training) {
            Training.cleanUp(args);
        }
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
        // Start-up work nothing before the listening line needs, on the second core meanwhile (after the logging
        // is chosen: Netty's logger starts Logback): the JDK's TLS classes and default trust store (about 60 ms,
        // cached for the whole JVM once loaded).
        inBackground("interpose-warm-up", Main::warmUpTls);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        List<Extension> extensions = Extensions.discover(options.project(), ServeOptions.home(),
                ServeOptions.codexHome());
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
        // The JVM's own meters (about 40 ms of management classes) join the registry once the proxy listens.
        inBackground("interpose-jvm-meters", () -> List.of(new JvmMemoryMetrics(), new JvmGcMetrics(),
                new JvmThreadMetrics(), new ProcessorMetrics()).forEach(binder -> binder.bindTo(registry)));

        org.slf4j.LoggerFactory.getLogger(Main.class).info("extensions: {}", Reloader.summary(extensions));
        Reloader.report(extensions);
        Reloader reloader = new Reloader(() -> options.files(System.getenv()), options.overrides(), options.project(),
                ServeOptions.home(), ServeOptions.codexHome(), server);
        List<Path> watchedFiles = new java.util.ArrayList<>(options.candidates(System.getenv()));
        watchedFiles.addAll(Extensions.files(options.project(), ServeOptions.home(), ServeOptions.codexHome()));
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

    /** Runs {@code work} on a daemon thread of its own: start-up work the listening line need not wait for. */
    private static void inBackground(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void warmUpTls() {
        try {
            io.netty.handler.ssl.SslContextBuilder.forClient().build();
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            // the server builds its own context and reports what fails there
        }
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

    /** Every problem of an invalid configuration, on stderr. */
    static void printProblems(ConfigException e) {
        PrintWriter err = new PrintWriter(System.err, true);
        err.println("interpose: invalid configuration:");
        e.problems().forEach(p -> err.println("  " + p));
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
