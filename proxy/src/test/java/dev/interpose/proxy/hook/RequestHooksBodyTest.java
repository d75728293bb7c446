package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookResult;
import dev.interpose.proxy.body.RequestBody;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The request hooks share the request's one body: they read its tree (once, and leave it as it was) and
 * hand back a new body, whose tree and bytes say the same, when they change it.
 */
class RequestHooksBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private static Hook hook(String name, HookEvent event, HookResult result) {
        return new Hook() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<HookEvent> events() {
                return Set.of(event);
            }

            @Override
            public HookResult run(JsonNode input) {
                return result;
            }
        };
    }

    private static RequestHooks.Decision decide(RequestBody body, Hook... hooks) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestHooks requestHooks = new RequestHooks(new HookPipeline(List.of(hooks), Runnable::run), Path.of("."),
                Runnable::run, Caffeine.newBuilder().build(), new HookLog(registry));
        RequestHooks.Meta meta = new RequestHooks.Meta("r", "other", false, "anthropic", "m", "u", "route",
                "/v1/messages", null, Map.of());
        return requestHooks.apply(body, meta, null, new CompletableFuture<>()).join();
    }

    @Test
    void aRewriteIsANewBodyAndTheSharedTreeStaysAsItWasSent() throws Exception {
        for (Hook hook : List.of(
                hook("prompt", HookEvent.USER_PROMPT_SUBMIT, new HookResult(HookResult.Decision.CONTINUE, null, null,
                        "hello, rewritten", null)),
                hook("context", HookEvent.USER_PROMPT_SUBMIT, HookResult.context("remember this")),
                hook("pre", HookEvent.PRE_REQUEST, HookResult.context("and this")))) {
            RequestBody sent = RequestBody.of(SENT.getBytes(StandardCharsets.UTF_8));
            RequestHooks.Decision decision = decide(sent, hook);

            assertThat(decision.body()).as(hook.name()).isNotNull().isNotSameAs(sent);
            assertThat(sent.jsonIfRead()).as("the hooks read the shared tree").isNotNull();
            assertThat(sent.json()).as(hook.name() + ": the shared tree").isEqualTo(JSON.readTree(SENT));
            assertThat(new String(sent.bytes(), StandardCharsets.UTF_8)).isEqualTo(SENT);
            ObjectNode tree = decision.body().jsonIfRead();
            assertThat(tree).as("the new body comes with its tree").isNotNull();
            assertThat(JSON.readTree(decision.body().bytes())).isEqualTo(tree);
            assertThat(tree).isNotEqualTo(JSON.readTree(SENT));
            assertThat(decision.body().bytes()).asString(StandardCharsets.UTF_8)
                    .contains(hook.name().equals("prompt") ? "hello, rewritten" : hook.name().equals("context")
                            ? "remember this" : "and this");
        }
    }

    @Test
    void hooksThatChangeNothingLeaveTheBodyAsItCame() {
        RequestBody sent = RequestBody.of(SENT.getBytes(StandardCharsets.UTF_8));
        RequestHooks.Decision decision = decide(sent, hook("quiet", HookEvent.USER_PROMPT_SUBMIT, HookResult.CONTINUE));
        assertThat(decision.body()).isNull();
        assertThat(decision.blocked()).isFalse();
        assertThat(sent.jsonIfRead()).isNotNull();
    }
}
