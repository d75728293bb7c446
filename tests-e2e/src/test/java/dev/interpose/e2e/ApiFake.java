package dev.interpose.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake model server that speaks exactly one API and nothing else: a request on another path, a body that is not
 * that API's shape (fields of another API, content blocks it does not know, a tool result for a call it never made,
 * no {@code stream: true}) is answered with that API's own 4xx error and written down in {@link #rejections()}, so a
 * wrong translation by the proxy fails the test that uses it. A valid request is answered with a stream in the API's
 * own SSE grammar, sent event by event (chunked), each event cut in two writes so that the proxy reads it in pieces.
 *
 * <p>What it answers is its {@link Script}: a text; or first tool calls, and once a request carries their results, a
 * text quoting the marker the results must hold. The JDK's own HTTP server, one thread per request: the
 * fake needs logic on the parsed body, which WireMock's matchers make awkward.
 */
abstract class ApiFake implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A request the fake accepted or refused: its path and query, headers (names lower case) and parsed body. */
    record Received(String uri, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A tool call the fake makes: its id, the tool's name, its arguments as a JSON object. */
    record ToolCall(String id, String name, ObjectNode arguments) {
    }

    /**
     * What the fake answers: each turn of tool calls in order (the calls of one turn made at once, in parallel), the
     * next turn once the request carries a result for every call of the one before; then, to the request carrying
     * them all, {@code text} when every result contains {@code marker}, else a text saying what the results were.
     */
    record Script(String text, List<List<ToolCall>> turns, String marker) {
        static Script text(String text) {
            return new Script(text, List.of(), null);
        }

        /** One tool call, then the text. */
        static Script afterCall(ToolCall call, String marker, String text) {
            return new Script(text, List.of(List.of(call)), marker);
        }
    }

    private final String path;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private volatile Script script = Script.text("no script");
    private final java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();

    ApiFake(String path) {
        this.path = path;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers from now on with {@code next}, and forgets what was received and refused before. */
    void script(Script next) {
        script = next;
        received.clear();
        rejections.clear();
    }

    /** Every request received since the last {@link #script}, accepted or not, in order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** Why each refused request was refused, in order. */
    List<String> rejections() {
        return List.copyOf(rejections);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /**
     * A new id for an answer, as a real server gives each (Claude Code takes assistant turns with the same message
     * id for parts of one answer, and merges them).
     */
    String answerId(String prefix) {
        return prefix + "e2e" + answers.incrementAndGet();
    }

    /** What is wrong with this body for this API (empty when it is a valid request). */
    abstract List<String> problems(Received request);

    /** The output the request carries as the result of the call with this id, or null when it carries none. */
    abstract String toolResult(JsonNode body, String callId);

    /** The API's error body for a refused request. */
    abstract String errorBody(int status, String message);

    /** The events of a streamed answer to {@code request} that says {@code text}. */
    abstract List<String> textEvents(JsonNode request, String text);

    /** The events of a streamed answer to {@code request} that makes these tool calls, in this order. */
    abstract List<String> toolCallEvents(JsonNode request, List<ToolCall> calls);

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            String uri = exchange.getRequestURI().toString();
            JsonNode body;
            try {
                body = JSON.readTree(bytes);
            } catch (IOException e) {
                body = null;
            }
            Received request = new Received(uri, headers, body);
            received.add(request);
            if (!"POST".equals(exchange.getRequestMethod()) || !path.equals(uri)) {
                refuse(exchange, 404, exchange.getRequestMethod() + " " + uri + ": this server answers POST " + path
                        + " only");
                return;
            }
            if (body == null || !body.isObject()) {
                refuse(exchange, 400, "the body is not a JSON object");
                return;
            }
            List<String> problems = problems(request);
            if (!problems.isEmpty()) {
                refuse(exchange, 400, String.join("; ", problems));
                return;
            }
            if (!body.path("stream").asBoolean(false)) {
                refuse(exchange, 400, "this fake answers streamed requests only (\"stream\": true)");
                return;
            }
            stream(exchange, answer(body));
        }
    }

    private List<String> answer(JsonNode body) {
        Script now = script;
        List<String> outputs = new ArrayList<>();
        for (List<ToolCall> turn : now.turns()) {
            for (ToolCall call : turn) {
                String output = toolResult(body, call.id());
                if (output == null) {
                    return toolCallEvents(body, turn);
                }
                outputs.add(output);
            }
        }
        boolean quoted = outputs.stream().allMatch(o -> o.contains(now.marker()));
        return textEvents(body, quoted ? now.text() : "The tool results did not all hold " + now.marker() + ": "
                + outputs);
    }

    private void refuse(HttpExchange exchange, int status, String message) throws IOException {
        rejections.add(status + " " + message);
        byte[] bytes = errorBody(status, message).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void stream(HttpExchange exchange, List<String> events) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String event : events) {
            // Each event in two writes with a pause between, so that the proxy reads it in two pieces, as it may
            // from a real server: its stream translation must not assume whole events per read.
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            int cut = bytes.length / 2;
            out.write(bytes, 0, cut);
            out.flush();
            pause();
            out.write(bytes, cut, bytes.length - cut);
            out.flush();
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while streaming");
        }
    }

    /** One SSE event with an {@code event:} line. */
    static String event(String type, JsonNode data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    /** One SSE event with only a {@code data:} line. */
    static String data(String data) {
        return "data: " + data + "\n\n";
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The text split in two (for two deltas), or the whole text when it is too short to split. */
    static List<String> halves(String text) {
        int half = text.length() / 2;
        return half == 0 ? List.of(text) : List.of(text.substring(0, half), text.substring(half));
    }

    /** Problems with the keys of {@code node}: each key not in {@code allowed} is one, named at {@code where}. */
    static void onlyKeys(JsonNode node, Set<String> allowed, String where, List<String> problems) {
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                problems.add(where + k + ": unrecognized field");
            }
        });
    }

    static List<String> newProblems() {
        return new ArrayList<>();
    }
}
