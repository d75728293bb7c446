package dev.interpose.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx as the reverse proxy a user would compare with: a child process of the benchmark with a generated
 * configuration (one worker, keep-alive connections to the same fake upstream, no buffering of answers so SSE
 * passes as it comes, an access log like the proxy's) on a free loopback port. {@link #find} installs Debian's
 * package when nginx is missing and the benchmark may (root, or sudo without a password).
 */
final class Nginx implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"),
            Path.of("/usr/local/nginx/sbin/nginx"));

    private final Process process;
    private final int port;
    /** Nanoseconds from starting the process to its first accepted connection. */
    private long startup;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * The nginx binary, installed with apt-get when missing and {@code install}; empty (and a line saying why)
     * when there is none.
     */
    static java.util.Optional<Path> find(boolean install) throws InterruptedException {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (Path binary : BINARIES) {
                if (Files.isExecutable(binary)) {
                    return java.util.Optional.of(binary);
                }
            }
            if (!install || attempt == 1) {
                break;
            }
            List<String> sudo = "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
            System.out.println("nginx not found: installing Debian's nginx-light with apt-get...");
            for (String pkg : List.of("nginx-light", "nginx")) {
                List<String> command = new ArrayList<>(sudo);
                command.addAll(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", pkg));
                if (!run(command).startsWith("exit 0")) {
                    List<String> update = new ArrayList<>(sudo);
                    update.addAll(List.of("apt-get", "update", "-q"));
                    run(update);
                    run(command);
                }
                if (BINARIES.stream().anyMatch(Files::isExecutable)) {
                    break;
                }
            }
        }
        System.out.println(install ? "nginx: not found, and apt-get could not install it (needs root or sudo -n); "
                + "its column is left empty" : "nginx: not found (--no-nginx-install); its column is left empty");
        return java.util.Optional.empty();
    }

    /** Starts nginx in front of the fake upstream and waits until it listens. */
    static Nginx start(Path binary, int upstreamPort) throws Exception {
        Path dir = Files.createTempDirectory("interpose-bench-nginx");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "worker_processes 1;", "daemon off;", "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;", "worker_rlimit_nofile 65536;",
                "events { worker_connections 16384; }",
                "http {",
                "  access_log " + dir.resolve("access.log") + ";",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  client_max_body_size 64m; client_body_buffer_size 1m;",
                "  keepalive_requests 100000000; keepalive_timeout 300s;",
                "  upstream fake { server 127.0.0.1:" + upstreamPort + "; keepalive 128; keepalive_requests 100000000; }",
                "  server {",
                "    listen 127.0.0.1:" + port + " backlog=4096;",
                "    location / {",
                "      proxy_pass http://fake; proxy_http_version 1.1; proxy_set_header Connection \"\";",
                "      proxy_buffering off; proxy_read_timeout 300s;",
                "    }",
                "  }",
                "}", ""));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, port);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-nginx-stop"));
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 100);
                nginx.startup = System.nanoTime() - start;
                return nginx;
            } catch (IOException notYet) {
                Thread.sleep(1);
            }
        }
        nginx.close();
        throw new IllegalStateException("nginx did not listen within 10 s: see " + dir.resolve("error.log"));
    }

    int port() {
        return port;
    }

    long startupNanos() {
        return startup;
    }

    /** The master and its worker. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Runs a command to its end; its output, after "exit N". */
    private static String run(List<String> command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return "exit " + p.waitFor() + "\n" + out;
        } catch (IOException e) {
            return "exit -1 " + e.getMessage();
        }
    }
}
