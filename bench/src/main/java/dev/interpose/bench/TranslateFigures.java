package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --translate} figures: what translating a Claude Code request to OpenAI Chat, and its answer back,
 * adds. One proxy serves both paths, so both run on the same JVM and the same configuration: the Claude Code
 * body as it is goes to the Anthropic fake untranslated; the same body with the model {@value #CHAT_MODEL}
 * is routed to a {@code dialect: openai-chat} upstream (the same fake, answering in Chat's format) and
 * translated both ways. Each pair is measured in alternating rounds, so a change in the machine's load
 * falls on both alike.
 */
final class TranslateFigures {
    static final String CHAT_MODEL = "qwen3-coder";
    /** The two stream lengths (of the Claude Code request's answer) whose difference gives the cost of one streamed event. */
    private static final int SHORT = 10;
    private static final int LONG = 200;
    private static final int ROUNDS = 4;
    private static final String PATH = "/v1/messages?beta=true";
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"[^\"]*\"");

    private final EventLoopGroup clientLoop;
    private final Class<? extends Channel> clientType;
    private final int port;
    private final long warm;
    private final long measure;

    private TranslateFigures(EventLoopGroup clientLoop, Class<? extends Channel> clientType, int port, long warm,
            long measure) {
        this.clientLoop = clientLoop;
        this.clientType = clientType;
        this.port = port;
        this.warm = warm;
        this.measure = measure;
    }

    /** One load, untranslated and translated. */
    private record Pair(LoadClient.Result plain, LoadClient.Result translated) {
        double addedP50() {
            return (translated.latency().getValueAtPercentile(50) - plain.latency().getValueAtPercentile(50)) / 1000.0;
        }
    }

    static void run(Bench.ProxyStarter starter, Bench.PortWaiter waiter, EventLoopGroup clientLoop,
            Class<? extends Channel> clientType, int upstreamPort, byte[] smallBody, byte[] claudeBody, long warm,
            long measure) throws Exception {
        Path config = Files.createTempFile("interpose-bench-translate", ".yaml");
        Files.writeString(config, String.join("\n", "upstreams:", "  chat:",
                "    url: http://127.0.0.1:" + upstreamPort, "    dialect: openai-chat",
                "routes:", "  - path: /v1/messages", "    model: " + CHAT_MODEL, "    upstream: chat", ""));
        Path log = Files.createTempFile("interpose-bench-translated", ".log");
        Process proxy = starter.start(upstreamPort, log, "--config", config.toString());
        try {
            int port = waiter.await(proxy, log);
            new TranslateFigures(clientLoop, clientType, port, warm, measure).measure(smallBody, claudeBody);
        } finally {
            proxy.toHandle().destroy();
            proxy.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void measure(byte[] smallBody, byte[] claudeBody) throws Exception {
        byte[] chatSmall = withModel(smallBody, CHAT_MODEL);
        byte[] plainStream = claudeBody;
        byte[] chatStream = withModel(claudeBody, CHAT_MODEL);
        byte[] plainJson = unstreamed(plainStream);
        byte[] chatJson = unstreamed(chatStream);
        for (byte[] body : new byte[][] {smallBody, chatSmall, plainJson, chatJson}) {
            LoadClient.run(clientLoop, clientType, port, PATH, body, "json", 0, 1, 0, warm);
        }
        for (int events : new int[] {SHORT, LONG}) {
            for (byte[] body : new byte[][] {plainStream, chatStream}) {
                LoadClient.run(clientLoop, clientType, port, PATH, body, "sse", events, 1, 0, warm);
            }
        }
        Pair small = pair(smallBody, chatSmall, "json", 0);
        Pair json = pair(plainJson, chatJson, "json", 0);
        Pair few = pair(plainStream, chatStream, "sse", SHORT);
        Pair many = pair(plainStream, chatStream, "sse", LONG);
        long translations = translations();
        if (translations == 0) {
            throw new IllegalStateException("the proxy translated no request: the figures would not be translation's");
        }

        System.out.printf(Locale.ROOT, "%ntranslation: concurrency 1, %d-byte Claude Code body; untranslated to the "
                + "Anthropic fake, translated (model %s) to a Chat upstream (the same fake); one proxy, %d alternating "
                + "rounds per pair (%d translations counted by the proxy)%n", claudeBody.length, CHAT_MODEL, ROUNDS,
                translations);
        Report.header("untranslated", "translated", "added");
        System.out.printf(Locale.ROOT, "  %d-byte body, JSON answer (%d requests untranslated, %d translated)%n",
                smallBody.length, small.plain().requests(), small.translated().requests());
        Report.row("latency p50", small.plain().latency(), small.translated().latency(), 50);
        Report.row("latency p99", small.plain().latency(), small.translated().latency(), 99);
        System.out.printf(Locale.ROOT, "  Claude Code body, JSON answer (%d requests untranslated, %d translated)%n",
                json.plain().requests(), json.translated().requests());
        Report.row("latency p50", json.plain().latency(), json.translated().latency(), 50);
        Report.row("latency p99", json.plain().latency(), json.translated().latency(), 99);
        stream(few, SHORT);
        stream(many, LONG);
        double perEvent = (many.addedP50() - few.addedP50()) / (LONG - SHORT);
        System.out.printf(Locale.ROOT, "  added by translation, at p50 (translated minus untranslated latency)%n");
        System.out.printf(Locale.ROOT, "  %-48s %+9.1f µs%n", "per request, " + smallBody.length
                + "-byte body, JSON answer", small.addedP50());
        System.out.printf(Locale.ROOT, "  %-48s %+9.1f µs%n", "per request, Claude Code body, JSON answer", json.addedP50());
        System.out.printf(Locale.ROOT, "  %-48s %+9.1f µs%n", "per request, Claude Code body, " + SHORT + "-delta stream", few.addedP50());
        System.out.printf(Locale.ROOT, "  %-48s %+9.1f µs%n", "per request, Claude Code body, " + LONG + "-delta stream", many.addedP50());
        System.out.printf(Locale.ROOT, "  %-48s %+9.2f µs   (added at %d - added at %d) / %d events%n",
                "per streamed event", perEvent, LONG, SHORT, LONG - SHORT);
        System.out.printf(Locale.ROOT, "  %-48s %+9.1f µs   added at %d - %d x per event%n",
                "per request, stream without its events", few.addedP50() - SHORT * perEvent, SHORT, SHORT);
    }

    private void stream(Pair pair, int events) {
        System.out.printf(Locale.ROOT, "  Claude Code body, SSE answer of %d text deltas (%d-byte Anthropic stream, %d-byte Chat stream; "
                + "%d requests untranslated, %d translated)%n", events, BenchStreams.anthropic(events).length,
                BenchStreams.chat(events).length, pair.plain().requests(), pair.translated().requests());
        Report.row("latency p50", pair.plain().latency(), pair.translated().latency(), 50);
        Report.row("latency p99", pair.plain().latency(), pair.translated().latency(), 99);
        Report.row("first SSE event p50", pair.plain().firstByte(), pair.translated().firstByte(), 50);
    }

    /** Both bodies under the same load, in {@link #ROUNDS} rounds of alternating order, each half merged. */
    private Pair pair(byte[] plainBody, byte[] chatBody, String response, int events) throws InterruptedException {
        LoadClient.Result plain = null;
        LoadClient.Result translated = null;
        long slice = measure / ROUNDS;
        long settle = Math.min(warm, 250);
        for (int round = 0; round < ROUNDS; round++) {
            for (int half = 0; half < 2; half++) {
                boolean untranslated = (half == 0) == (round % 2 == 0);
                LoadClient.Result r = LoadClient.run(clientLoop, clientType, port, PATH,
                        untranslated ? plainBody : chatBody, response, events, 1, settle, slice);
                if (untranslated) {
                    plain = plain == null ? r : plain.plus(r);
                } else {
                    translated = translated == null ? r : translated.plus(r);
                }
            }
        }
        return new Pair(plain, translated);
    }

    /** The proxy's count of translated requests, from its /metrics. */
    private long translations() throws Exception {
        long total = 0;
        for (String line : Report.metrics(port).split("\n")) {
            if (line.startsWith("interpose_translations_total")) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The body with its first (top-level) model replaced. */
    static byte[] withModel(byte[] body, String model) {
        String text = new String(body, StandardCharsets.UTF_8);
        Matcher m = MODEL.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("the body has no model");
        }
        return (text.substring(0, m.start()) + "\"model\":\"" + model + "\"" + text.substring(m.end()))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The body asking for a whole answer instead of a stream. */
    static byte[] unstreamed(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("\"stream\":true");
        if (at < 0) {
            throw new IllegalArgumentException("the body asks for no stream");
        }
        return (text.substring(0, at) + "\"stream\":false" + text.substring(at + 13)).getBytes(StandardCharsets.UTF_8);
    }
}
