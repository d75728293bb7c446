package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.proxy.dialect.SseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hold of a {@link ToolGate}: the events kept back from the first watched call's start, every watched
 * call that starts while they are kept, and what became of each. It is over when every call in it ended and
 * was decided. Confined to the exchange's event loop.
 */
final class ToolHold {
    /** One call in the hold. */
    static final class Verdict {
        private boolean ended;
        private boolean asked;
        private boolean answered;
        private String tool;
        private ToolJudge.Denial denial;
        private JsonNode rewrite;
    }

    private final List<SseEvent> events = new ArrayList<>();
    private final Map<Integer, Verdict> calls = new LinkedHashMap<>();
    private int open;
    private int unanswered;

    void add(SseEvent event) {
        events.add(event);
    }

    List<SseEvent> events() {
        return events;
    }

    /** Whether a call at {@code key} is in the hold already (ended or not). */
    boolean has(int key) {
        return calls.containsKey(key);
    }

    void open(int key) {
        calls.put(key, new Verdict());
        open++;
    }

    /** The call at {@code key} ended: its verdict, or null when no open call of the hold is there. */
    Verdict end(int key) {
        Verdict verdict = calls.get(key);
        if (verdict == null || verdict.ended) {
            return null;
        }
        verdict.ended = true;
        open--;
        return verdict;
    }

    /** The hooks are asked about an ended call of {@code tool}. */
    void asking(Verdict verdict, String tool) {
        verdict.tool = tool;
        verdict.asked = true;
        unanswered++;
    }

    /** Their answer: denied, let through, or let through with another input. */
    void answer(Verdict verdict, ToolJudge.Ruling ruling) {
        if (verdict.asked && !verdict.answered) {
            verdict.answered = true;
            verdict.denial = ruling.denial();
            verdict.rewrite = ruling.denial() == null ? ruling.input() : null;
            unanswered--;
        }
    }

    /** Keys of the calls not ended yet. */
    List<Integer> openKeys() {
        List<Integer> keys = new ArrayList<>();
        calls.forEach((key, verdict) -> {
            if (!verdict.ended) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** Whether every call in the hold ended (no event goes in after that). */
    boolean closed() {
        return open == 0;
    }

    /** Whether every call in the hold ended and was decided: the hold can be released. */
    boolean decided() {
        return open == 0 && unanswered == 0;
    }

    /** The new inputs of the calls let through with another input, by key. */
    Map<Integer, JsonNode> rewrites() {
        Map<Integer, JsonNode> rewritten = new LinkedHashMap<>();
        calls.forEach((key, verdict) -> {
            if (verdict.rewrite != null) {
                rewritten.put(key, verdict.rewrite);
            }
        });
        return rewritten;
    }

    /** The texts saying why, of the denied calls, by key. */
    Map<Integer, String> denials() {
        Map<Integer, String> denied = new LinkedHashMap<>();
        calls.forEach((key, verdict) -> {
            if (verdict.denial != null) {
                denied.put(key, verdict.denial.text(verdict.tool));
            }
        });
        return denied;
    }
}
