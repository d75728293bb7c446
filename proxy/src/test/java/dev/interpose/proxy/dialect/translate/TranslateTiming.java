package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.dialect.ApiDialect;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How long translating the Claude Code request fixture (47 KB) takes on one thread, whole and phase by
 * phase: warmed up, then the median of many rounds, the phases taking turns round by round so that a busy
 * machine slows all alike. Not a test of behaviour and not run by default:
 * {@code mvn -o -q -pl proxy -am test -Dtest=TranslateTiming -Dtiming=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "timing", matches = "true")
class TranslateTiming {
    private static final int WARMUP = 5_000;
    private static final int ROUNDS = 201;
    private static final int PER_ROUND = 20;

    private record Phase(String name, Callable<Object> work) {
    }

    @Test
    void claudeCodeRequest() throws Exception {
        byte[] body = Fixtures.bytes("anthropic-messages-claude-code.json");
        ObjectNode raw = RawJson.object(body);
        ObjectNode strict = StrictJson.object(body);
        ObjectNode chat = MessagesToChatRequest.translate(raw, TranslationOptions.DEFAULTS);
        Translation onChat = Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT);
        Translation onResponses = Translation.of(ApiDialect.MESSAGES, ApiDialect.RESPONSES);
        assertThat(raw.path("system").get(1).path("text")).isInstanceOf(RawText.class);
        Phase[] phases = {
            new Phase("skeleton (strings checked, long ones cut)", () -> Skeleton.of(body, 0)),
            new Phase("read, long strings raw (RawJson)", () -> RawJson.object(body)),
            new Phase("read whole (StrictJson)", () -> StrictJson.object(body)),
            new Phase("translate the raw tree to Chat", () -> MessagesToChatRequest.translate(raw, TranslationOptions.DEFAULTS)),
            new Phase("translate the strict tree to Chat", () -> MessagesToChatRequest.translate(strict, TranslationOptions.DEFAULTS)),
            new Phase("write the Chat tree (raw strings)", () -> Json.MAPPER.writeValueAsBytes(chat)),
            new Phase("all: bytes to Chat bytes", () -> onChat.request(body).bodyBytes()),
            new Phase("all: bytes to Responses bytes", () -> onResponses.request(body).bodyBytes()),
        };
        for (int i = 0; i < WARMUP; i++) {
            for (Phase phase : phases) {
                assertThat(phase.work().call()).isNotNull();
            }
        }
        double[][] us = new double[phases.length][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int p = 0; p < phases.length; p++) {
                us[p][r] = round(phases[p].work());
            }
        }
        for (int p = 0; p < phases.length; p++) {
            Arrays.sort(us[p]);
            System.out.printf("%-36s median %7.2f µs (p10 %7.2f, p90 %7.2f)%n", phases[p].name(), us[p][ROUNDS / 2],
                    us[p][ROUNDS / 10], us[p][ROUNDS * 9 / 10]);
        }
    }

    private static double round(Callable<Object> work) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < PER_ROUND; i++) {
            work.call();
        }
        return (System.nanoTime() - start) / 1000.0 / PER_ROUND;
    }
}
