package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.proxy.dialect.ToolCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Asks the hooks about a tool call the {@link ToolGate} (or {@link BodyGate}) holds, and what they can answer:
 * a {@link Ruling} (denied, let through, or let through with another input). {@link #ask} never fails: a judge
 * that throws, fails or gives no answer denies the call.
 */
interface ToolJudge {
    /** Whether some hook wants to see a call of this tool (else it passes without waiting). */
    boolean wants(String toolName);

    /** Completes (on any thread) with the denial, or null to let the call through; a failure denies it. */
    CompletableFuture<Denial> judge(String id, String name, JsonNode input);

    /**
     * Completes (on any thread) with what becomes of the call: denied, let through, or let through with another
     * input; a failure denies it. By default {@link #judge}'s answer, never rewriting.
     */
    default CompletableFuture<Ruling> rule(String id, String name, JsonNode input) {
        CompletableFuture<Denial> denial = judge(id, name, input);
        return denial == null ? null : denial.thenApply(Ruling::of);
    }

    /**
     * What becomes of a call: denied (with the denial), or let through, with {@code input} in place of its own when
     * that is not null ({@code PreToolUse}'s {@code updatedInput}, in the shape {@link ToolCall#input} has).
     */
    record Ruling(Denial denial, JsonNode input) {
        static final Ruling ALLOW = new Ruling(null, null);

        static Ruling of(Denial denial) {
            return denial == null ? ALLOW : new Ruling(denial, null);
        }

        static Ruling rewrite(JsonNode input) {
            return new Ruling(null, input);
        }
    }

    /** A denied call: which hook denied it and why, and what the hooks said for the person ({@code systemMessage}). */
    record Denial(String hook, String reason, List<String> messages) {
        Denial(String hook, String reason) {
            this(hook, reason, List.of());
        }

        String text(String tool) {
            return SystemMessages.before(messages, "Interpose denied the " + tool + " tool call: hook " + hook
                    + " said: " + reason);
        }

        /** Asking the hooks failed: the call is denied, as nothing said it may run. */
        static Denial checkFailed(Throwable e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return new Denial("interpose", "the PreToolUse check failed (" + cause + "), so the call is denied");
        }
    }

    /** {@code judge}'s ruling on a call, which never fails: a judge that throws or fails denies it. */
    static CompletableFuture<Ruling> ask(ToolJudge judge, String id, String name, JsonNode input) {
        try {
            CompletableFuture<Ruling> answer = judge.rule(id, name, input);
            if (answer == null) {
                return CompletableFuture.completedFuture(Ruling.of(Denial.checkFailed(new NullPointerException("no answer"))));
            }
            return answer.handle((ruling, e) -> e != null ? Ruling.of(Denial.checkFailed(e))
                    : ruling == null ? Ruling.ALLOW : ruling);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Ruling.of(Denial.checkFailed(e)));
        }
    }
}
