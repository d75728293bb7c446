package dev.interpose.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** The {@code --hooks} figures: what one {@code PreRequest} hook adds, in-process Java and as a script. */
final class HookFigures {
    private HookFigures() {
    }

    /**
     * The concurrency-1 Claude Code run through a proxy with one {@code PreRequest} hook, in-process and as a
     * script, against {@code plain} (the same run through the proxy without hooks).
     */
    static void run(Bench.ProxyStarter starter, Bench.PortWaiter waiter, EventLoopGroup clientLoop,
            Class<? extends Channel> clientType, int upstreamPort, byte[] body, LoadClient.Result plain, long warm,
            long measure) throws Exception {
        Path java = Files.createTempDirectory("interpose-bench-java-hook");
        Path plugins = Files.createDirectories(java.resolve(".interpose/plugins"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugins.resolve("bench-hook.jar")));
                InputStream type = BenchHook.class.getResourceAsStream("BenchHook.class")) {
            jar.putNextEntry(new JarEntry(BenchHook.class.getName().replace('.', '/') + ".class"));
            type.transferTo(jar);
            jar.putNextEntry(new JarEntry("META-INF/services/dev.interpose.hooks.Hook"));
            jar.write((BenchHook.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path script = Files.createTempDirectory("interpose-bench-script-hook");
        Path hook = Files.createDirectories(script.resolve(".interpose/hooks")).resolve("bench.sh");
        Files.writeString(hook, "#!/bin/sh\n# interpose-event: PreRequest\ncat > /dev/null\n");
        hook.toFile().setExecutable(true);

        LoadClient.Result[] results = new LoadClient.Result[2];
        Path[] projects = {java, script};
        for (int i = 0; i < 2; i++) {
            Path log = Files.createTempFile("interpose-bench-hooked", ".log");
            Process proxy = starter.start(upstreamPort, log, "--project-dir", projects[i].toString());
            try {
                int port = waiter.await(proxy, log);
                LoadClient.run(clientLoop, clientType, port, "/v1/messages?beta=true", body, "sse", 1, 0, warm * 2);
                results[i] = LoadClient.run(clientLoop, clientType, port, "/v1/messages?beta=true", body, "sse", 1,
                        warm, measure);
            } finally {
                proxy.toHandle().destroy();
                proxy.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf(Locale.ROOT, "%nconcurrency 1, the same Claude Code request with one PreRequest hook "
                + "(%d requests Java hook, %d script hook)%n", results[0].requests(), results[1].requests());
        System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "no hook", "Java hook", "added");
        Report.row("latency p50", plain.latency(), results[0].latency(), 50);
        Report.row("latency p99", plain.latency(), results[0].latency(), 99);
        System.out.printf(Locale.ROOT, "  %-22s %12s %12s %12s%n", "", "no hook", "script hook", "added");
        Report.row("latency p50", plain.latency(), results[1].latency(), 50);
        Report.row("latency p99", plain.latency(), results[1].latency(), 99);
    }
}
