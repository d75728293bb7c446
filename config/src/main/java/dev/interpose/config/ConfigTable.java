package dev.interpose.config;

import static dev.interpose.config.ValueType.bool;
import static dev.interpose.config.ValueType.duration;
import static dev.interpose.config.ValueType.integer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every configuration key, each spelled once, in the order of the reference: name, type (parser and
 * allowed range), default, documentation, environment variable and flag. The loader accepts exactly these
 * keys and fills in their defaults, {@code config show} prints them, the records check their values
 * against them, and {@code ConfigDocsTest} writes {@code docs/configuration.md}'s reference from them.
 * {@link Defaults} and the records' {@code DEFAULT}s are views of the defaults here.
 */
final class ConfigTable {
    private static final List<ConfigKey<?>> KEYS = new ArrayList<>();
    private static final String UPSTREAM = "upstreams.<name>.";
    private static final int MAX_INT = Integer.MAX_VALUE;

    /** A built-in upstream: its name, base URL, dialect and what it serves, in routing order. */
    record BuiltIn(String name, URI url, Dialect dialect, String serves) {
    }

    static final List<BuiltIn> BUILT_INS = List.of(
            new BuiltIn("anthropic", URI.create("https://api.anthropic.com"), Dialect.ANTHROPIC, "Anthropic paths"),
            new BuiltIn("openai", URI.create("https://api.openai.com"), Dialect.OPENAI, "OpenAI paths"),
            new BuiltIn("chatgpt", URI.create("https://chatgpt.com"), Dialect.OPENAI, "`/backend-api/codex/...`"));

    static final Pattern UPSTREAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** The most cache ignore rules (the key builder tracks them in one 64-bit mask). */
    static final int MAX_IGNORE_RULES = 64;

    static final ConfigKey<String> HOST = key("listener.host", ValueType.text("a host name or IP address"),
            "127.0.0.1", "interface to listen on", null, "--host", Overrides::host);
    static final ConfigKey<Integer> PORT = key("listener.port", integer(0, 65535, "a port from 0 to 65535"), 10000,
            "TCP port; `0` picks a free one and prints it", null, "--port", o -> o.port().map(String::valueOf));
    static final ConfigKey<Integer> MAX_HEADER_BYTES = key("listener.max-header-bytes",
            integer(1024, MAX_INT, "a size in bytes, at least 1024"), 64 * 1024,
            "total request header size before a `431`");
    static final ConfigKey<Integer> MAX_BODY_BYTES = key("listener.max-body-bytes",
            integer(1, MAX_INT, "a positive size in bytes"), 32 * 1024 * 1024,
            "request body size before a `413` (also bounds decompressed bodies)");
    static final ConfigKey<Duration> REQUEST_TIMEOUT = key("listener.request-timeout", duration(),
            Duration.ofSeconds(30), "longest a client may take to send a request head, or stay silent within its body, while nothing is in flight on its connection (`408` and close); an idle keep-alive connection is closed after it too");
    static final ConfigKey<List<String>> ALLOWED_HOSTS = key("listener.allowed-hosts", ValueType.listOf(
            ValueType.shaped(Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]"),
                    "host names or IP addresses without a port, such as proxy.lan or 192.168.1.5 or [fd00::5]", false),
            "a list of host names or IP addresses without a port, such as proxy.lan or 192.168.1.5 or [fd00::5]"),
            List.of(), "`Host` names accepted besides `localhost`, `127.0.0.1`, `[::1]` and the bound address (any port); any other `Host` gets a `403` (DNS rebinding defence). Needed when clients reach the proxy by another name, e.g. bound to `0.0.0.0`");
    static final ConfigKey<List<String>> ALLOWED_ORIGINS = key("listener.allowed-origins", ValueType.listOf(
            ValueType.shaped(Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?"),
                    "browser origins: scheme, host and optional port, such as https://app.example or http://localhost:3000",
                    false),
            "a list of browser origins: scheme, host and optional port, such as https://app.example or http://localhost:3000"),
            List.of(), "browser origins (`https://app.example`) allowed to call the proxy; any request with another `Origin`, or marked `Sec-Fetch-Site: cross-site`/`same-site`, gets a `403`. The CLIs send no `Origin`");
    static final ConfigKey<Boolean> ALLOW_OTHER_USERS = key("listener.allow-other-users", bool(), false,
            "whether a client run by another user account of this machine may use the proxy (its commands, shell commands included, agents and upstreams). By default, on Linux, the owner of each connection's client socket is looked up in `/proc/net/tcp`/`tcp6`; one owned by another uid than the proxy's gets a `403` in its dialect and is closed, and so does a loopback client whose socket is gone. Root is no exception: a proxy run as root serves only root. A client of another machine (not in this machine's tables) is left to `listener.allowed-hosts`. Without `/proc` the check is unavailable and a line at startup says so");

    // Each upstream's keys. url and dialect have defaults only for the built-in upstreams (BUILT_INS).
    static final ConfigKey<URI> URL = key(UPSTREAM + "url", ValueType.httpUrl(), null,
            "base URL for {upstream}; the request path and query are appended", "INTERPOSE_UPSTREAM_<NAME>",
            "--upstream", null);
    static final String DIALECTS = "anthropic, openai, openai-responses or openai-chat";
    static final ConfigKey<Dialect> DIALECT = key(UPSTREAM + "dialect",
            ValueType.lowercase(Dialect.class, DIALECTS, false), null,
            "the API the upstream speaks, fixed for the built-in upstreams; required for one you define: `anthropic` (Messages), `openai-responses`, `openai-chat` (Chat Completions, what most OpenAI-compatible servers speak), or `openai` (the OpenAI API the client speaks: Responses for `/v1/responses`, Chat for `/v1/chat/completions`). A request whose client speaks another API than its upstream is refused (`400`) until the proxy translates it");
    static final ConfigKey<String> API_KEY_ENV = key(UPSTREAM + "api-key-env", UpstreamValueTypes.envName(), "",
            "environment variable holding the upstream's own key, read at start and reload; when set (or `api-key-file`), the client's credentials are never sent to it and this key is, in the header its dialect expects (see *Credentials* below)");
    static final ConfigKey<Optional<Path>> API_KEY_FILE = key(UPSTREAM + "api-key-file", UpstreamValueTypes.secretFile(),
            Optional.empty(), "file holding the upstream's own key (trimmed; relative to the config file), instead of `api-key-env`");
    static final ConfigKey<String> API_KEY_HEADER = key(UPSTREAM + "api-key-header",
            ValueType.shaped(Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]*"), "a header name such as api-key", false),
            "", "header the own key is sent in instead of the dialect's (`x-api-key` for `anthropic`, `authorization: Bearer` for OpenAI); `authorization` gets `Bearer ` before the key");
    static final ConfigKey<List<String>> HEADERS_ADD = key(UPSTREAM + "headers.add", ValueType.listOf(
            UpstreamValueTypes.headerLine(), "a list of headers, each written Name: value"), List.of(),
            "headers set on every request to the upstream, a list of `Name: value` (replacing the client's of that name); no credentials, which take `api-key-env`");
    static final ConfigKey<List<String>> HEADERS_REMOVE = key(UPSTREAM + "headers.remove", ValueType.listOf(
            UpstreamValueTypes.headerName(), "a list of header names"), List.of(),
            "names of the client's headers never sent to the upstream");
    static final ConfigKey<Boolean> FORWARD_CLIENT_CREDENTIALS = key(UPSTREAM + "headers.forward-client-credentials",
            bool(), false, "send the client's own credentials to this upstream as they came, whatever its host: for a gateway that expects the user's key or token (without it, and without `api-key-env`, a third-party host is refused them; see *Credentials* below)");
    static final ConfigKey<Duration> CONNECT_TIMEOUT = key(UPSTREAM + "connect-timeout", duration(),
            Duration.ofSeconds(10), "TCP (and CONNECT proxy) connect timeout", null, "--connect-timeout",
            Overrides::connectTimeout);
    /** Non-streaming calls to reasoning models can think for many minutes before the head. */
    static final ConfigKey<Duration> HEAD_TIMEOUT = key(UPSTREAM + "head-timeout", duration(), Duration.ofMinutes(10),
            "from request sent to response head", null, "--head-timeout", Overrides::headTimeout);
    static final ConfigKey<Duration> IDLE_TIMEOUT = key(UPSTREAM + "idle-timeout", duration(), Duration.ofMinutes(5),
            "longest silence between two response chunks", null, "--idle-timeout", Overrides::idleTimeout);
    static final ConfigKey<Integer> MAX_IDLE_CONNECTIONS = key(UPSTREAM + "max-idle-connections",
            integer(0, 100_000, "a count from 0 to 100000"), 64, "idle keep-alive connections kept per event loop");
    static final ConfigKey<String> PROXY = key(UPSTREAM + "proxy", ValueType.proxyChoice(), "",
            "`CONNECT` proxy for this upstream: empty uses `upstream-proxy`, `none` connects directly");
    static final ConfigKey<Optional<Path>> CA_FILE = key(UPSTREAM + "tls.ca-file", ValueType.caFile(),
            Optional.empty(), "PEM file of CA certificates to trust instead of the JVM's (relative to the config file)");
    static final ConfigKey<Boolean> VERIFY = key(UPSTREAM + "tls.verify", bool(), true,
            "`false` turns off certificate and host name checks (local test servers only)");
    static final ConfigKey<Boolean> BREAKER_ENABLED = key(UPSTREAM + "breaker.enabled", bool(), true,
            "whether the upstream has a circuit breaker");
    static final ConfigKey<Integer> FAILURE_RATE = key(UPSTREAM + "breaker.failure-rate",
            integer(1, 100, "a percentage from 1 to 100"), 50,
            "percentage of failed calls (connect errors, timeouts, resets, 5xx, 529; never 4xx) in the window that opens the breaker");
    static final ConfigKey<Integer> SLOW_CALL_RATE = key(UPSTREAM + "breaker.slow-call-rate",
            integer(1, 100, "a percentage from 1 to 100"), 100,
            "percentage of slow calls in the window that opens the breaker");
    static final ConfigKey<Duration> SLOW_CALL = key(UPSTREAM + "breaker.slow-call", duration(), Duration.ofMinutes(5),
            "a call whose response head takes longer than this is slow");
    static final ConfigKey<Integer> WINDOW = key(UPSTREAM + "breaker.window",
            integer(1, 10_000, "a number of calls from 1 to 10000"), 20,
            "how many of the latest calls the rates are taken over");
    static final ConfigKey<Integer> MINIMUM_CALLS = key(UPSTREAM + "breaker.minimum-calls",
            integer(1, 10_000, "a number of calls from 1 to 10000"), 10, "calls needed before the rates count");
    static final ConfigKey<Duration> OPEN_FOR = key(UPSTREAM + "breaker.open-for", duration(), Duration.ofSeconds(30),
            "how long an open breaker answers at once (with `retry-after`) before letting probes through");
    static final ConfigKey<Integer> HALF_OPEN_CALLS = key(UPSTREAM + "breaker.half-open-calls",
            integer(1, 1000, "a number of calls from 1 to 1000"), 2,
            "probe calls that decide whether the breaker closes again");
    static final ConfigKey<Integer> MAX_ATTEMPTS = key(UPSTREAM + "retry.max-attempts",
            integer(1, 20, "a number of attempts from 1 (no retry) to 20"), 3,
            "attempts in all for a request the upstream failed before answering (connect failure, reset before the head, 429, 500, 502, 503, 529); `1` turns retry off");
    static final ConfigKey<Duration> BACKOFF = key(UPSTREAM + "retry.backoff", duration(), Duration.ofMillis(500),
            "the first wait; each next one doubles, with ±50 % jitter, and is never shorter than the upstream's `retry-after`");
    static final ConfigKey<Duration> MAX_DELAY = key(UPSTREAM + "retry.max-delay", duration(), Duration.ofSeconds(20),
            "the most a request waits in all between attempts; a longer `retry-after` passes the answer on instead");
    static final ConfigKey<Integer> BULKHEAD_CONCURRENT = key(UPSTREAM + "bulkhead.max-concurrent",
            integer(1, 1_000_000, "a count from 1 to 1000000"), 4096,
            "requests in flight to the upstream at once; more wait for a slot (what it protects: the proxy's memory and file descriptors, two per request, and the upstream from a runaway client)");
    static final ConfigKey<Duration> MAX_WAIT = key(UPSTREAM + "bulkhead.max-wait", duration(), Duration.ofSeconds(10),
            "how long a request waits for a slot before a 503 in its dialect");
    static final ConfigKey<List<String>> FALLBACK = key(UPSTREAM + "fallback", ValueType.commaList(), List.of(),
            "other upstreams of the same dialect, comma-separated, tried in order when this one's breaker is open or its retries are spent");
    static final ConfigKey<Boolean> UPSTREAM_CACHE = key(UPSTREAM + "cache", bool(), false,
            "whether answers from this upstream are cached (see *Response cache* below); a route's `cache` wins over it");
    static final ConfigKey<Integer> MAX_TOKENS_DEFAULT = key(UPSTREAM + "translation.max-tokens-default",
            integer(1, 10_000_000, "a token count from 1 to 10000000"), 32000,
            "`max_tokens` sent to this upstream, when it speaks `anthropic`, for a translated request whose client asked no limit (a Chat or Responses client; the Messages API requires one)");
    static final ConfigKey<Integer> MAX_TOKENS_CAP = key(UPSTREAM + "translation.max-tokens-cap",
            integer(0, 10_000_000, "a token count from 0 (no cap) to 10000000"), 0,
            "the most output tokens a translated request asks of this upstream (Claude Code asks up to 128000, more than many models allow); a larger limit is lowered to it; `0` for no cap");

    static final ConfigKey<Optional<URI>> UPSTREAM_PROXY = key("upstream-proxy", ValueType.optionalUrl(),
            Optional.empty(), "HTTP `CONNECT` proxy for the upstream leg, empty for none", "INTERPOSE_UPSTREAM_PROXY",
            "--upstream-proxy", Overrides::upstreamProxy);
    static final ConfigKey<Duration> DRAIN_TIMEOUT = key("drain-timeout", duration(), Duration.ofSeconds(30),
            "how long exchanges in flight may finish after SIGTERM/SIGINT", null, "--drain-timeout",
            Overrides::drainTimeout);
    static final ConfigKey<LogFormat> LOG_FORMAT = key("logging.format",
            ValueType.lowercase(LogFormat.class, "json or text", true), LogFormat.JSON,
            "`json` lines or `text` for humans", "INTERPOSE_LOG_FORMAT", "--log-format", Overrides::logFormat);
    static final ConfigKey<Boolean> SHELL = key("commands.shell", bool(), false,
            "whether ``!`command` `` in a command file may run a shell command; even then only a read-only one (`git status`, `git diff`, `ls`, … as Claude Code runs them without asking) or what the command's `allowed-tools` permits (`Bash(git push:*)`); see commands.md");
    static final ConfigKey<Duration> SHELL_TIMEOUT = key("commands.shell-timeout", duration(), Duration.ofSeconds(10),
            "how long such a command may run before its process tree is killed");
    static final ConfigKey<Integer> MAX_INCLUDE_BYTES = key("commands.max-include-bytes",
            integer(0, 64 * 1024 * 1024, "a size in bytes up to 67108864"), 256 * 1024,
            "largest file an `@path` include in a command may inline");
    static final ConfigKey<Integer> AGENTS_CONCURRENT = key("agents.max-concurrent",
            integer(1, 1024, "a count from 1 to 1024"), 8,
            "subagent calls in flight at once, proxy-wide; more wait in a queue");
    static final ConfigKey<Duration> AGENTS_TIMEOUT = key("agents.timeout", duration(), Duration.ofMinutes(2),
            "how long one subagent call may take before it counts as timed out");
    static final ConfigKey<Duration> AGENTS_DEADLINE = key("agents.deadline", duration(), Duration.ofMinutes(4),
            "how long all the subagents of one trigger may take together (kept under the CLIs' own 300 s and 600 s limits)");
    static final ConfigKey<Integer> AGENTS_MAX_TOKENS = key("agents.max-tokens",
            integer(1, 1_000_000, "a token count from 1 to 1000000"), 8192,
            "`max_tokens` of a subagent call (`max_output_tokens` in the Responses API; a Chat call names none, and one translated to an `anthropic` upstream gets its `translation.max-tokens-default`)");
    static final ConfigKey<Long> CACHE_MAX_BYTES = key("cache.max-bytes",
            ValueType.size(0, Long.MAX_VALUE, "a size in bytes (0 stores nothing)"), 256L * 1024 * 1024,
            "the most the response cache holds, request keys and answers weighed together; `0` stores nothing");
    static final ConfigKey<Integer> CACHE_MAX_ENTRY_BYTES = key("cache.max-entry-bytes",
            integer(1, MAX_INT, "a positive size in bytes"), 8 * 1024 * 1024, "the largest answer stored");
    static final ConfigKey<Duration> CACHE_TTL = key("cache.ttl", duration(), Duration.ofHours(1),
            "how long a stored answer is served after it was stored");
    static final ConfigKey<List<String>> CACHE_IGNORE = key("cache.ignore", ValueType.listOf(
            ValueType.shaped(Pattern.compile("/.*", Pattern.DOTALL), "a JSON pointer starting with /, * for any one"
                    + " step, optionally =glob on the value, such as /system/*/text=x-anthropic-billing-header*", false),
            "a list of JSON pointers such as /metadata/user_id"),
            List.of("/system/*/text=x-anthropic-billing-header*", // Claude Code's billing line, a new hash each run
                    "/metadata/user_id",                           // Claude Code's device and session ids
                    "/prompt_cache_key",                           // Codex's session id
                    "/client_metadata",                            // Codex's session, turn and timing ids
                    "/input/*/id"),                                // Codex's time-based message item ids
            "parts of a request body left out of its cache key: a list of JSON pointers, `*` matching any one member or element, optionally `=glob` on a string value");

    /** A model name a client or an agent file may use for a family: {@code sonnet=claude-sonnet-4-5}. */
    private static final ValueType<String> MODEL_NAME = ValueType.shaped(
            Pattern.compile("[a-z][a-z0-9.\\[\\]-]*=[^\\s=]+"), "name=model, such as sonnet=claude-sonnet-4-5", false);
    static final ConfigKey<List<String>> MODEL_NAMES_ANTHROPIC = key("model-names.anthropic", ValueType.listOf(MODEL_NAME,
            "a list of name=model, such as sonnet=claude-sonnet-4-5"),
            List.of("sonnet=claude-sonnet-4-5", "opus=claude-opus-4-5", "haiku=claude-haiku-4-5"),
            "what the short names Claude Code and agent files use (`sonnet`, `opus`, `haiku`) stand for at an `anthropic` upstream, as a list of `name=model`; `model-aliases` also match a short name as this model");
    static final ConfigKey<List<String>> MODEL_NAMES_OPENAI = key("model-names.openai", ValueType.listOf(MODEL_NAME,
            "a list of name=model, such as sonnet=gpt-5"),
            List.of("sonnet=gpt-5", "opus=gpt-5", "haiku=gpt-5-mini"),
            "the same for an upstream of an OpenAI dialect (`openai`, `openai-responses`, `openai-chat`)");

    // Each route's keys (routes have no defaults: there are none unless a file gives them).
    static final ConfigKey<String> ROUTE_NAME = key("routes[].name", ValueType.optionalText(), null,
            "label in logs and metrics, `routes[<i>]` when not set; unique");
    static final ConfigKey<String> ROUTE_PATH = key("routes[].path", ValueType.shaped(Pattern.compile("[/*].*",
            Pattern.DOTALL), "a path pattern starting with / or *, such as /v1/messages or /v1/*", true), "*",
            "pattern on the request path (query excluded)");
    static final ConfigKey<Dialect> ROUTE_DIALECT = key("routes[].dialect",
            ValueType.lowercase(Dialect.class, DIALECTS, false), null,
            "empty for any; else only requests in this dialect: `anthropic`, `openai` (both OpenAI APIs), `openai-responses` or `openai-chat`");
    static final ConfigKey<String> ROUTE_MODEL = key("routes[].model", ValueType.optionalText(), null,
            "empty for any; else a pattern the request's `model` must match; a request without a model never matches");
    static final ConfigKey<String> ROUTE_UPSTREAM = key("routes[].upstream",
            ValueType.shaped(Pattern.compile(".*", Pattern.DOTALL), "the name of an upstream", true), null,
            "required: name of the upstream to forward to");
    static final ConfigKey<String> ROUTE_REWRITE_MODEL = key("routes[].rewrite-model", ValueType.optionalText(), null,
            "model name sent upstream instead of the client's");
    static final ConfigKey<Boolean> ROUTE_CACHE = key("routes[].cache", ValueType.optionalBool(), null,
            "empty follows the upstream's `cache`; `true` or `false` turns the response cache on or off for this route");

    // Each model alias's keys (none unless a file gives them).
    static final ConfigKey<String> ALIAS_MATCH = key("model-aliases[].match", ValueType.shaped(Pattern.compile("\\S+"),
            "a model pattern without spaces, such as claude-sonnet-* or sonnet", true), null,
            "required: a pattern on the client's `model` (`*` any run, `?` one character); a short name (`sonnet`) also matches as what `model-names` makes it");
    static final ConfigKey<String> ALIAS_MODEL = key("model-aliases[].model", ValueType.shaped(Pattern.compile("\\S+"),
            "a model name without spaces, such as qwen3-coder", true), null,
            "required: the model sent upstream instead; `/v1/models` lists it and the pattern (when it has no `*`)");
    static final ConfigKey<String> ALIAS_UPSTREAM = key("model-aliases[].upstream",
            ValueType.shaped(Pattern.compile(".*", Pattern.DOTALL), "the name of an upstream", true), null,
            "empty: the request goes where the routes send its new model; else the upstream it goes to, before any route (a request naming the alias's `model` itself goes there too)");

    /** Every key, in the order of the reference. */
    static final List<ConfigKey<?>> ALL = List.copyOf(KEYS);

    private ConfigTable() {
    }

    /** The keys of one scope, in order. */
    static List<ConfigKey<?>> of(ConfigKey.Scope scope) {
        return ALL.stream().filter(k -> k.scope() == scope).toList();
    }

    /** The built-in upstream of that name, or null. */
    static BuiltIn builtIn(String name) {
        return BUILT_INS.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    }

    private static <T> ConfigKey<T> key(String name, ValueType<T> type, T defaultValue, String doc) {
        return key(name, type, defaultValue, doc, null, null, null);
    }

    private static <T> ConfigKey<T> key(String name, ValueType<T> type, T defaultValue, String doc, String env,
            String flag, Function<Overrides, Optional<String>> fromFlags) {
        ConfigKey<T> key = new ConfigKey<>(name, ConfigKey.Scope.of(name), type, defaultValue, doc, env, flag,
                fromFlags);
        KEYS.add(key);
        return key;
    }
}
