package dev.interpose.proxy.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentLimiterTest {
    @Test
    void theCapHoldsAndAFreedSlotGoesToTheNextCallThatStillWantsIt() {
        AgentLimiter limiter = new AgentLimiter(2);
        List<String> started = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            limiter.submit(() -> started.add(name));
        }
        assertThat(started).containsExactly("a", "b");
        assertThat(limiter.running()).isEqualTo(2);
        assertThat(limiter.waiting()).isEqualTo(2);
        limiter.release();
        assertThat(started).containsExactly("a", "b", "c");
        limiter.release();
        limiter.release();
        limiter.release();
        assertThat(limiter.running()).isZero();
        assertThat(limiter.peak()).isEqualTo(2);
    }

    @Test
    void manyCallsThatDeclinedTheirTurnDoNotOverflowTheStackOrLoseTheSlot() {
        AgentLimiter limiter = new AgentLimiter(1);
        limiter.submit(() -> true);
        for (int i = 0; i < 100_000; i++) {
            limiter.submit(() -> false); // cancelled while waiting
        }
        List<String> started = new ArrayList<>();
        limiter.submit(() -> started.add("last"));
        limiter.release();
        assertThat(started).containsExactly("last");
        assertThat(limiter.running()).isEqualTo(1);
        limiter.release();
        assertThat(limiter.running()).isZero();
        limiter.submit(() -> started.add("again"));
        assertThat(started).containsExactly("last", "again");
    }
}
