package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.commands.Catalog;
import dev.interpose.commands.Expander;
import dev.interpose.commands.Invocation;
import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import dev.interpose.hooks.HookPipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random prompts through slash-command detection and expansion, in each API's body: nothing throws, a
 * prompt that is not a known command leaves the request bytes as they were, and the event-loop pre-check
 * never misses a known command.
 */
class SlashCommandPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static final Catalog CATALOG = new Catalog(List.of(
            command("review", "Review $1 for: $ARGUMENTS"), command("git:pr", "Open a PR. @$1"),
            command("plain", "No placeholders.")), 0);
    private static final SlashCommands COMMANDS = new SlashCommands(CATALOG,
            new Expander(Path.of("."), CommandsConfig.DEFAULT, Runnable::run),
            new dev.interpose.proxy.agent.AgentRunner(List.of(), dev.interpose.config.AgentsConfig.DEFAULT,
                    new dev.interpose.proxy.agent.AgentLimiter(8), java.net.http.HttpClient.newHttpClient(),
                    () -> java.net.URI.create("http://127.0.0.1:1"), "token", REGISTRY, Runnable::run), REGISTRY);
    private static final RequestHooks HOOKS = new RequestHooks(HookPipeline.empty(Runnable::run), Path.of("."),
            Runnable::run, Caffeine.newBuilder().build(), new HookLog(REGISTRY));

    private static CommandDefinition command(String name, String body) {
        return new CommandDefinition(name, Path.of(name + ".md"), null, null, null, List.of(), List.of(), body);
    }

    @Provide
    Arbitrary<String> prompts() {
        Arbitrary<String> names = Arbitraries.of("review", "git:pr", "pr", "plain", "commands", "agents", "tmp", "nope", "revie",
                "reviewer", "git", "");
        Arbitrary<String> noise = Arbitraries.strings().withChars("/ \t\n\"'\\$@!`:.-_abcXYZ019éß😀{}[]")
                .ofMaxLength(40);
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60), noise,
                net.jqwik.api.Combinators.combine(names, noise).as((n, a) -> "/" + n + a),
                net.jqwik.api.Combinators.combine(names, noise).as((n, a) -> "/" + n + " " + a),
                noise.map(a -> "/tmp/x " + a), noise.map(a -> "  /review " + a));
    }

    private static byte[] body(String api, String prompt, boolean earlierTurn) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "m").put("stream", true);
        switch (api) {
            case "/v1/messages" -> {
                ArrayNode messages = body.putArray("messages");
                if (earlierTurn) {
                    messages.addObject().put("role", "user").put("content", prompt);
                    messages.addObject().put("role", "assistant").put("content", "ok");
                    messages.addObject().put("role", "user").put("content", "go on");
                } else {
                    ArrayNode content = messages.addObject().put("role", "user").putArray("content");
                    content.addObject().put("type", "text").put("text", "<system-reminder>x</system-reminder>");
                    content.addObject().put("type", "text").put("text", prompt);
                }
            }
            case "/v1/responses" -> {
                ArrayNode input = body.putArray("input");
                input.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                        .put("type", "input_text").put("text", prompt);
                if (earlierTurn) {
                    input.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                            .put("type", "input_text").put("text", "go on");
                }
            }
            default -> {
                ArrayNode messages = body.putArray("messages");
                messages.addObject().put("role", "user").put("content", prompt);
                if (earlierTurn) {
                    messages.addObject().put("role", "user").put("content", "go on");
                }
            }
        }
        return JSON.writeValueAsBytes(body);
    }

    @Property(tries = 400)
    void randomPromptsNeverThrowAndOnlyAKnownCommandChangesTheRequest(@ForAll("prompts") String prompt,
            @ForAll("paths") String path, @ForAll boolean earlierTurn) throws Exception {
        byte[] body = body(path, prompt, earlierTurn);
        RequestHooks.Meta meta = new RequestHooks.Meta("r", "other", false, "anthropic", "m", "u", "route", path, null,
                java.util.Map.of());

        boolean mayApply = COMMANDS.mayApply(Unpooled.wrappedBuffer(body));
        io.netty.buffer.CompositeByteBuf parts = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        for (int at = 0, size = 1; at < body.length; at += size, size = size % 5 + 1) { // parts of 1 to 5 bytes
            parts.addComponent(true, Unpooled.wrappedBuffer(body, at, Math.min(size, body.length - at)));
        }
        assertThat(COMMANDS.mayApply(parts)).as("an aggregated (composite) body is read the same").isEqualTo(mayApply);
        dev.interpose.proxy.body.RequestBody shared = dev.interpose.proxy.body.RequestBody.of(body);
        RequestHooks.Decision decision = HOOKS.apply(shared, meta, COMMANDS, new java.util.concurrent.CompletableFuture<>())
                .join();
        assertThat(shared.json()).as("the request's shared tree is never changed").isEqualTo(JSON.readTree(body));
        if (decision.body() != null) {
            assertThat(JSON.readTree(decision.body().bytes())).as("a new body's bytes say what its tree does")
                    .isEqualTo(decision.body().jsonIfRead());
        }

        Invocation invocation = Invocation.parse(prompt);
        boolean known = !earlierTurn && invocation != null && (CATALOG.find(invocation.name()) != null
                || invocation.name().equals(Catalog.LIST) || invocation.name().equals(SlashCommands.AGENTS));
        if (known) {
            assertThat(mayApply).as("the event-loop pre-check must not miss %s", prompt).isTrue();
            assertThat(decision.body() != null || decision.reply() != null).isTrue();
        } else {
            assertThat(decision.body()).as("request bytes for %s", prompt).isNull();
            assertThat(decision.reply()).isNull();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("/v1/messages", "/v1/responses", "/v1/chat/completions");
    }
}
