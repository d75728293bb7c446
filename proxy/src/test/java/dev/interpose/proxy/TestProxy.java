package dev.interpose.proxy;

import dev.interpose.config.ConfigLoader;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ListenerConfig;
import dev.interpose.config.Overrides;
import dev.interpose.proxy.server.InterposeServer;
import dev.interpose.proxy.server.TimeSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The proxy in-process on a free port, with its access log captured for assertions. */
public final class TestProxy implements AutoCloseable {
    private final InterposeServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LogCapture log = new LogCapture("interpose.access");
    private final int port;

    private TestProxy(InterposeConfig config) throws Exception {
        this(config, List.of(), java.nio.file.Path.of("").toAbsolutePath());
    }

    private TestProxy(InterposeConfig config, List<dev.interpose.config.Extension> extensions,
            java.nio.file.Path projectDir) throws Exception {
        this(config, extensions, projectDir, TimeSource.SYSTEM);
    }

    private TestProxy(InterposeConfig config, List<dev.interpose.config.Extension> extensions,
            java.nio.file.Path projectDir, TimeSource time) throws Exception {
        server = new InterposeServer(config, extensions, projectDir, registry, time);
        port = server.start().getPort();
    }

    /** A proxy whose upstreams are the given base URLs, with these timeouts ("" for the default). */
    public static TestProxy start(Map<String, String> upstreams, String headTimeout, String idleTimeout)
            throws Exception {
        return start(upstreams, headTimeout, idleTimeout, 64 * 1024, 32 * 1024 * 1024);
    }

    public static TestProxy start(Map<String, String> upstreams, String headTimeout, String idleTimeout,
            int maxHeaderBytes, int maxBodyBytes) throws Exception {
        return start(upstreams, headTimeout, idleTimeout, maxHeaderBytes, maxBodyBytes, Optional.empty());
    }

    /** As above, with an HTTP CONNECT proxy for the upstream leg. */
    public static TestProxy start(Map<String, String> upstreams, String headTimeout, String idleTimeout,
            int maxHeaderBytes, int maxBodyBytes, Optional<String> upstreamProxy) throws Exception {
        Overrides flags = new Overrides(Optional.empty(), Optional.of(0), upstreams, upstreamProxy,
                Optional.of("2s"), Optional.of(headTimeout).filter(s -> !s.isEmpty()),
                Optional.of(idleTimeout).filter(s -> !s.isEmpty()), Optional.of("5s"), Optional.empty());
        InterposeConfig loaded = ConfigLoader.load(Map.of(), flags);
        InterposeConfig config = new InterposeConfig(new ListenerConfig("127.0.0.1", 0, maxHeaderBytes, maxBodyBytes),
                loaded.upstreams(), loaded.routes(), loaded.upstreamProxy(), loaded.drainTimeout(), loaded.logFormat());
        return new TestProxy(config);
    }

    /** A proxy whose upstreams are these base URLs, running the hooks, commands and agents of {@code projectDir}. */
    public static TestProxy withExtensions(Map<String, String> upstreams, java.nio.file.Path projectDir)
            throws Exception {
        return withExtensions(upstreams, projectDir, List.of());
    }

    /** As above, with these config files. */
    public static TestProxy withExtensions(Map<String, String> upstreams, java.nio.file.Path projectDir,
            List<java.nio.file.Path> files) throws Exception {
        java.nio.file.Path noHome = projectDir.resolve("no-home");
        return new TestProxy(config(upstreams, files, 0), dev.interpose.config.Extensions.discover(projectDir, noHome),
                projectDir);
    }

    /** As above, the configuration loaded with this environment (the variables {@code api-key-env} names). */
    public static TestProxy withExtensions(Map<String, String> upstreams, java.nio.file.Path projectDir,
            List<java.nio.file.Path> files, Map<String, String> env) throws Exception {
        java.nio.file.Path noHome = projectDir.resolve("no-home");
        return new TestProxy(config(upstreams, files, 0, env), dev.interpose.config.Extensions.discover(projectDir,
                noHome), projectDir);
    }

    /** A proxy configured by these files, with these upstream base URLs given as flags, on a free port. */
    public static TestProxy start(Map<String, String> upstreams, List<java.nio.file.Path> files) throws Exception {
        return new TestProxy(config(upstreams, files, 0));
    }

    /** As above, its breakers and cache TTL reading {@code time} (a {@link ManualTime} the test advances). */
    public static TestProxy start(Map<String, String> upstreams, List<java.nio.file.Path> files, TimeSource time)
            throws Exception {
        return new TestProxy(config(upstreams, files, 0), List.of(), java.nio.file.Path.of("").toAbsolutePath(), time);
    }

    /** As above, the configuration loaded with this environment (the variables {@code api-key-env} names). */
    public static TestProxy start(Map<String, String> upstreams, List<java.nio.file.Path> files,
            Map<String, String> env) throws Exception {
        return new TestProxy(config(upstreams, files, 0, env));
    }

    private static InterposeConfig config(Map<String, String> upstreams, List<java.nio.file.Path> files, int port)
            throws Exception {
        return config(upstreams, files, port, Map.of());
    }

    private static InterposeConfig config(Map<String, String> upstreams, List<java.nio.file.Path> files, int port,
            Map<String, String> env) throws Exception {
        return ConfigLoader.load(env, new Overrides(Optional.empty(), Optional.of(port), upstreams,
                Optional.empty(), Optional.of("2s"), Optional.empty(), Optional.empty(), Optional.of("5s"),
                Optional.empty()), files);
    }

    /** Applies a configuration with these upstream base URLs, as a reload would. */
    public void reconfigure(Map<String, String> upstreams) throws Exception {
        reconfigure(upstreams, List.of());
    }

    /** Applies a configuration from these files and upstream base URLs, as a reload would. */
    public void reconfigure(Map<String, String> upstreams, List<java.nio.file.Path> files) throws Exception {
        server.reconfigure(config(upstreams, files, port));
    }

    public int port() {
        return port;
    }

    /** The server itself, for what a test drives as {@code main} would (a {@link Reloader}). */
    public InterposeServer server() {
        return server;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /** POSTs {@code body} to {@code path} over HTTP/1.1 with these header names and values, and reads the answer. */
    public java.net.http.HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(uri(path)).headers(headers)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The access log once it holds at least {@code lines} lines (waiting up to 5 s: a line is written as the
     * exchange ends, which may be just after the client has read the whole answer).
     */
    public List<Map<String, Object>> accessLog(int lines) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(this::accessLog, l -> l.size() >= lines);
    }

    /** Every access-log line written so far, as the JSON object an operator reads on stdout. */
    public List<Map<String, Object>> accessLog() {
        return log.lines();
    }

    @Override
    public void close() throws Exception {
        server.stop(Duration.ofSeconds(2));
        log.close();
    }
}
