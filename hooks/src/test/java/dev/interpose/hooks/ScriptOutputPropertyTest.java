package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.HookEvent;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and hostile hook output through {@link ScriptOutput#interpret}: it never throws, always answers,
 * and the exit code decides as documented (2 blocks, other non-zero is an error). Tries:
 * {@code jqwik.tries.default}.
 */
class ScriptOutputPropertyTest {
    private static final List<String> JSON_PIECES = List.of("{", "}", "[", "]", ":", ",", "\"", "\"continue\"",
            "false", "true", "null", "\"decision\"", "\"block\"", "\"reason\"", "\"hookSpecificOutput\"",
            "\"permissionDecision\"", "\"deny\"", "\"additionalContext\"", "\"interpose\"", "\"prompt\"", "\"request\"",
            "\"stopReason\"", "1e999999", "-0", "0x10", "NaN", "\"\\u0000\"", "\"\\uD800\"", "\\", "/*", "//", "'",
            "{}", "[]", " ", "\n", "é✓🎉", "9".repeat(2000));

    @Provide
    Arbitrary<String> stdouts() {
        Arbitrary<String> pieces = Arbitraries.oneOf(Arbitraries.of(JSON_PIECES), Arbitraries.strings().ofMaxLength(6));
        Arbitrary<String> jsonish = pieces.list().ofMaxSize(20).map(l -> "{" + String.join("", l));
        return Arbitraries.oneOf(jsonish, Arbitraries.strings().all().ofMaxLength(60));
    }

    @Provide
    Arbitrary<Integer> exits() {
        return Arbitraries.oneOf(Arbitraries.of(0, 0, 0, 2, 1, -1, 255, 127), Arbitraries.integers());
    }

    @Property
    void neverThrowsAndTheExitCodeDecides(@ForAll("stdouts") String stdout, @ForAll("exits") int exit,
            @ForAll boolean truncated, @ForAll String stderr, @ForAll HookEvent event) {
        HookResult result = ScriptOutput.interpret(event, exit, stdout, truncated, stderr);
        assertThat(result).isNotNull();
        assertThat(result.outcome()).isNotNull();
        if (exit == 2) {
            assertThat(result.decision()).isEqualTo(HookResult.Decision.BLOCK);
            assertThat(result.reason()).isNotBlank();
        } else if (exit != 0 || truncated) {
            assertThat(result.decision()).isEqualTo(HookResult.Decision.ERROR);
        }
        if (result.decision() != HookResult.Decision.CONTINUE) {
            assertThat(result.reason()).isNotBlank();
        }
        if (result.request() != null) {
            assertThat(result.request().isObject()).isTrue();
        }
    }

    @Example
    void deeplyNestedAndHugeJsonIsAnErrorOrAnAnswer() {
        for (String stdout : List.of("{\"a\":" + "[".repeat(100_000), "{\"a\":" + "{\"a\":".repeat(5_000) + "1"
                + "}".repeat(5_001), "{\"interpose\":{\"prompt\":\"" + "x".repeat(30_000_000) + "\"}}",
                "{\"interpose\":{\"request\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}}",
                "{\"n\":" + "9".repeat(2_000_000) + "}")) {
            for (HookEvent event : HookEvent.values()) {
                HookResult result = ScriptOutput.interpret(event, 0, stdout, false, "");
                assertThat(result).isNotNull();
                assertThat(result.decision()).isIn(HookResult.Decision.CONTINUE, HookResult.Decision.ERROR);
            }
        }
    }
}
