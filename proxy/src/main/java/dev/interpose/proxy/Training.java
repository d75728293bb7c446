package dev.interpose.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import sun.misc.Signal;

/**
 * The training run behind the class-data archive that {@code mvn package} builds (run with
 * {@code -Dinterpose.training=true} and {@code -XX:ArchiveClassesAtExit}): the proxy starts as a user starts it,
 * in front of a fake upstream in this process answering with the real shapes of the fixtures, serves Claude
 * Code's and Codex's requests streamed and not, {@code /health} and {@code /metrics}, then stops on its own
 * SIGTERM, so that every class of start-up, the request path and the stop lands in the archive. Nothing here
 * reaches beyond loopback.
 */
final class Training {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final HttpServer upstream;
    private final int port;
    private final Path project;

    private Training() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        upstream.createContext("/v1/messages", ex -> answer(ex, "fixtures/sample-anthropic-sse.txt"));
        upstream.createContext("/v1/responses", ex -> answer(ex, "fixtures/sample-responses-sse.txt"));
        upstream.start();
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        project = Files.createTempDirectory("interpose-training");
    }

    /** The command line the training proxy runs with, and the thread that drives it, started. */
    static String[] start() {
        try {
            Training training = new Training();
            Thread driver = new Thread(training::drive, "interpose-training");
            driver.setDaemon(true);
            driver.start();
            String upstream = "http://127.0.0.1:" + training.upstream.getAddress().getPort();
            return new String[] {"--port", Integer.toString(training.port), "--upstream", "anthropic=" + upstream,
                "--upstream", "openai=" + upstream, "--project-dir", training.project.toString()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the training run", e);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String fixture) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] body = resource(fixture);
        ex.getResponseHeaders().add("content-type", "text/event-stream");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Training.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no " + name + " in the jar");
            }
            return in.readAllBytes();
        }
    }

    private void drive() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try {
            while (!listening(client, base)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the proxy did not listen within " + DEADLINE);
                }
                Thread.sleep(50);
            }
            byte[] messages = resource("fixtures/anthropic-messages-claude-code.json");
            byte[] responses = resource("fixtures/openai-responses-codex.json");
            for (int round = 0; round < 20; round++) {
                send(client, post(base + "/v1/messages?beta=true", messages)
                        .header("anthropic-version", "2023-06-01").header("x-api-key", "sk-ant-training")
                        .header("user-agent", "claude-cli/2.1.328 (external, cli)").build());
                send(client, post(base + "/v1/responses", responses).header("authorization", "Bearer sk-training")
                        .header("originator", "codex_exec").build());
                send(client, post(base + "/v1/messages", "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"/nothing here\"}]}").build());
                send(client, HttpRequest.newBuilder(URI.create(base + "/health")).build());
            }
            send(client, HttpRequest.newBuilder(URI.create(base + "/metrics")).build());
            send(client, post(base + "/v1/messages", "{not json").build());
        } catch (IOException e) {
            System.err.println("interpose training: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Signal.raise(new Signal("TERM")); // stops the proxy as a user's SIGTERM does: drain, exit 0
            upstream.stop(0);
        }
    }

    private static boolean listening(HttpClient client, String base) {
        try {
            client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpRequest.Builder post(String url, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static HttpRequest.Builder post(String url, String body) {
        return post(url, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** What the training run leaves behind: nothing but the archive. */
    static void cleanUp(String[] args) {
        List<String> list = List.of(args);
        int i = list.indexOf("--project-dir");
        if (i >= 0) {
            try {
                Files.deleteIfExists(Path.of(list.get(i + 1)));
            } catch (IOException e) {
                // a temporary folder left behind is harmless
            }
        }
    }
}
