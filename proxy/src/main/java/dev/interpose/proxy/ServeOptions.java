package dev.interpose.proxy;

import dev.interpose.config.ConfigPaths;
import dev.interpose.config.Overrides;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of {@code serve}, shared by the top-level command and {@code config check|show}. */
final class ServeOptions {
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

    /** Codex's home, where its own hook files are: {@code $CODEX_HOME}, else {@code ~/.codex}. */
    static Path codexHome() {
        return dev.interpose.config.Extensions.codexHome(System.getenv(), home());
    }

    Overrides overrides() {
        return new Overrides(Optional.ofNullable(host), Optional.ofNullable(port), upstreams,
                Optional.ofNullable(upstreamProxy), Optional.ofNullable(connectTimeout),
                Optional.ofNullable(headTimeout), Optional.ofNullable(idleTimeout),
                Optional.ofNullable(drainTimeout), Optional.ofNullable(logFormat));
    }
}
