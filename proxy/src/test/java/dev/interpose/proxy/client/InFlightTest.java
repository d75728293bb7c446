package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.commands.Catalog;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.proxy.PassingHook;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.interpose.commands.Expander;
import dev.interpose.config.AgentsConfig;
import dev.interpose.config.CacheConfig;
import dev.interpose.config.CommandsConfig;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ListenerConfig;
import dev.interpose.config.Overrides;
import dev.interpose.proxy.NoResolving;
import dev.interpose.proxy.agent.AgentLimiter;
import dev.interpose.proxy.agent.AgentRunner;
import dev.interpose.proxy.cache.CacheMetrics;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.SlashCommands;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import dev.interpose.proxy.upstream.Bulkhead;
import dev.interpose.proxy.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The count of requests in flight that a drain waits for ({@link ServerContext#inFlight}) covers a request
 * whose cache key is built off the event loop (a body over 256 KiB): counted from its arrival until its answer,
 * and counted out, its request released, when the client leaves meanwhile; the same for a request with its
 * hooks and for a run of the agents API (each off-loop stage's cancel path). The client pipeline runs on an
 * {@link EmbeddedChannel}, the off-loop work on an executor the test runs by hand, the upstream on embedded
 * channels made by a real {@link UpstreamClient}.
 */
@Timeout(30)
class InFlightTest {
    private static final String BIG = "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "x".repeat(300 * 1024) + "\"}]}";
    private static final String ANSWER = "{\"answer\":1}";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The work handed off the event loop, run only when a test says so. */
    private final List<Runnable> offLoop = new ArrayList<>();
    private final List<EmbeddedChannel> upstreams = new ArrayList<>();
    private ServerContext server;
    private EmbeddedChannel channel;

    @BeforeEach
    void pipeline() throws Exception {
        pipeline(Hooks.none(new HookLog(registry)));
    }

    private void pipeline(Hooks hooks) throws Exception {
        InterposeConfig loaded = ConfigLoader.load(Map.of(), new Overrides(Optional.empty(), Optional.of(0),
                Map.of("anthropic", "http://upstream.test"), Optional.empty(), Optional.of("2s"), Optional.empty(),
                Optional.empty(), Optional.of("5s"), Optional.empty()));
        InterposeConfig config = new InterposeConfig(new ListenerConfig("127.0.0.1", 0, 64 * 1024, 4 * 1024 * 1024),
                loaded.upstreams(), loaded.routes(), loaded.upstreamProxy(), loaded.drainTimeout(), loaded.logFormat());
        Bootstrap template = new Bootstrap().channelFactory((ChannelFactory<Channel>) () -> {
            EmbeddedChannel upstream = new EmbeddedChannel(false, false);
            upstreams.add(upstream);
            return upstream;
        });
        UpstreamClient anthropic = new UpstreamClient(config.upstreams().get("anthropic"), template,
                new NoResolving(), null, Optional.empty(), null, new Bulkhead(8));
        ExchangeContext exchanges = new ExchangeContext(Map.of("anthropic", anthropic), new ProxyMetrics(registry),
                new AccessLog(), new ResponseCache(CacheConfig.DEFAULT, new CacheMetrics(registry)));
        AgentRunner agents = new AgentRunner(List.of(), AgentsConfig.DEFAULT, new AgentLimiter(8),
                HttpClient.newHttpClient(), () -> java.net.URI.create("http://127.0.0.1:1"), "token", registry,
                offLoop::add);
        SlashCommands commands = new SlashCommands(Catalog.empty(), new Expander(Path.of("."), CommandsConfig.DEFAULT,
                Runnable::run), agents, registry);
        server = new ServerContext(new ServerContext.Snapshot(config, exchanges, List.of(), hooks, commands), registry);
        channel = new EmbeddedChannel(new ClientInitializer(server, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE),
                PeerUsers.unavailable()));
    }

    private void send() {
        byte[] body = BIG.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\nanthropic-version: 2023-06-01\r\n"
                + "content-type: application/json\r\nx-interpose-cache: on\r\ncontent-length: " + body.length + "\r\n\r\n";
        channel.writeInbound(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body));
    }

    /** Runs the off-loop work waiting, then whatever it handed back to the event loop. */
    private void runOffLoop() {
        List<Runnable> due = new ArrayList<>(offLoop);
        offLoop.clear();
        due.forEach(Runnable::run);
        for (int i = 0; i < 4; i++) {
            channel.runPendingTasks();
        }
    }

    private static String read(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = ch.readOutbound()) != null) {
            out.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }
        return out.toString();
    }

    @Test
    void aRequestWhoseCacheKeyIsBuiltOffTheLoopIsInFlightFromItsArrivalToItsAnswer() {
        send();
        assertThat(offLoop).as("the key of a large body is built off the loop").hasSize(1);
        assertThat(server.inFlight()).as("what a drain waits for").isEqualTo(1);
        assertThat(read(channel)).isEmpty();

        runOffLoop();
        assertThat(upstreams).as("the request went on to its upstream").hasSize(1);
        assertThat(read(upstreams.get(0))).startsWith("POST /v1/messages HTTP/1.1").doesNotContain("x-interpose-cache");
        assertThat(server.inFlight()).isEqualTo(1);

        upstreams.get(0).writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + "content-length: " + ANSWER.length() + "\r\n\r\n" + ANSWER, StandardCharsets.UTF_8));
        channel.runPendingTasks();

        assertThat(read(channel)).startsWith("HTTP/1.1 200 OK").contains("x-interpose-cache: miss").endsWith(ANSWER);
        assertThat(server.inFlight()).as("answered: nothing left for a drain").isZero();
        assertFalse(upstreams.get(0).finishAndReleaseAll());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientThatLeavesWhileItsCacheKeyIsBuiltIsCountedOutAndItsRequestReleased() {
        send();
        assertThat(server.inFlight()).isEqualTo(1);

        channel.close();
        assertThat(server.inFlight()).as("the client left: a drain does not wait for it").isZero();
        runOffLoop(); // the key comes back to a connection that is gone

        assertThat(upstreams).as("nothing was sent upstream").isEmpty();
        assertThat(server.inFlight()).isZero();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientThatLeavesWhileItsRequestIsWithItsHooksIsCountedOutAndItsRequestReleased() throws Exception {
        channel.finishAndReleaseAll();
        ExecutorService hookThread = Executors.newSingleThreadExecutor();
        try {
            HookLog log = new HookLog(registry);
            HookPipeline pipeline = new HookPipeline(List.of(new PassingHook("pass", HookEvent.PRE_REQUEST)), hookThread);
            pipeline(new Hooks(new RequestHooks(pipeline, Path.of("."), offLoop::add, Caffeine.newBuilder().build(), log),
                    new ResponseHooks(HookPipeline.empty(Runnable::run), Path.of("."), Runnable::run, log)));
            String body = "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            channel.writeInbound(Unpooled.copiedBuffer("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body,
                    StandardCharsets.UTF_8));
            assertThat(offLoop).as("handed to its hooks").hasSize(1);
            assertThat(server.inFlight()).isEqualTo(1);

            channel.close();
            assertThat(server.inFlight()).isZero();
            runOffLoop(); // the hooks decide for a connection that is gone

            assertThat(upstreams).as("nothing was sent upstream").isEmpty();
            assertFalse(channel.finishAndReleaseAll());
        } finally {
            hookThread.shutdownNow();
        }
    }

    private void runAgents() {
        String body = "{\"agents\":[\"nobody\"],\"prompt\":\"review\",\"model\":\"claude-x\"}";
        channel.writeInbound(Unpooled.copiedBuffer("POST /interpose/agents/run HTTP/1.1\r\nHost: localhost\r\n"
                + "x-api-key: k\r\ncontent-length: " + body.length() + "\r\n\r\n" + body, StandardCharsets.UTF_8));
    }

    @Test
    void aRunOfTheAgentsApiIsInFlightUntilItsAnswerAndGivesItsSlotBack() {
        String peer = String.valueOf(channel.remoteAddress());
        runAgents();
        assertThat(offLoop).as("the run goes off the loop").hasSize(1);
        assertThat(server.inFlight()).isEqualTo(1);

        runOffLoop();

        assertThat(read(channel)).startsWith("HTTP/1.1 ").contains("nobody");
        assertThat(server.inFlight()).isZero();
        for (int i = 0; i < dev.interpose.proxy.agent.AgentApi.MAX_RUNS_PER_PEER; i++) {
            assertThat(server.agentRuns().tryAcquire(peer)).as("every slot free again").isTrue();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientThatLeavesDuringARunOfTheAgentsApiIsCountedOutAndGetsNothing() {
        String peer = String.valueOf(channel.remoteAddress());
        runAgents();
        assertThat(server.inFlight()).isEqualTo(1);

        channel.close();
        assertThat(server.inFlight()).isZero();
        runOffLoop();

        assertThat(read(channel)).isEmpty();
        for (int i = 0; i < dev.interpose.proxy.agent.AgentApi.MAX_RUNS_PER_PEER; i++) {
            assertThat(server.agentRuns().tryAcquire(peer)).as("every slot free again").isTrue();
        }
        assertFalse(channel.finishAndReleaseAll());
    }
}
