package dev.interpose.bench;

import io.netty.channel.epoll.Epoll;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The report's shared lines: the machine it ran on, and the direct-versus-proxied table rows. */
final class Report {
    private Report() {
    }

    static void printMachine() throws Exception {
        String cpu = "unknown cpu";
        File info = new File("/proc/cpuinfo");
        if (info.exists()) {
            cpu = Files.readAllLines(info.toPath()).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        }
        System.out.printf(Locale.ROOT, "Interpose benchmark: %s, %d cores, Java %s (%s), %s%n", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Epoll.isAvailable() ? "epoll" : "nio");
        System.out.println("load generator and fake upstream in this JVM (one event loop each); proxy in its own JVM");
    }

    static void header() {
        header("direct", "proxied", "added");
    }

    static void header(String first, String second, String difference) {
        System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", first, second, difference);
    }

    /** The header of a table of direct, nginx and proxied figures. */
    static void header(String first, String second, String third, String difference) {
        System.out.printf(Locale.ROOT, "  %-26s %12s %12s %12s %13s%n", "", first, second, third, difference);
    }

    /** A row of that table: the three latencies and proxied minus nginx ({@code nginx} null when absent). */
    static void row(String name, Histogram direct, Histogram nginx, Histogram proxied, double percentile) {
        double d = direct.getValueAtPercentile(percentile) / 1000.0;
        double p = proxied.getValueAtPercentile(percentile) / 1000.0;
        if (nginx == null) {
            System.out.printf(Locale.ROOT, "  %-26s %9.1f µs %12s %9.1f µs%n", name, d, "—", p);
            return;
        }
        double n = nginx.getValueAtPercentile(percentile) / 1000.0;
        System.out.printf(Locale.ROOT, "  %-26s %9.1f µs %9.1f µs %9.1f µs %+10.1f µs%n", name, d, n, p, p - n);
    }

    /** The one-minute load average, for the record of how busy the machine was. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** A proxy's {@code /metrics} text. */
    static String metrics(int port) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    static void row(String name, Histogram direct, Histogram proxied, double percentile) {
        double d = direct.getValueAtPercentile(percentile) / 1000.0;
        double p = proxied.getValueAtPercentile(percentile) / 1000.0;
        System.out.printf(Locale.ROOT, "  %-22s %9.1f µs %9.1f µs %+9.1f µs%n", name, d, p, p - d);
    }
}
