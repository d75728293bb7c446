package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.SseEvent;
import dev.interpose.proxy.dialect.ToolCall;
import dev.interpose.proxy.dialect.ToolCallStream;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Holds back the tool calls of a streamed response until the {@code PreToolUse} hooks have decided on them,
 * and on a deny puts a text part saying so where the call was, keeping the stream one the client accepts.
 * What a tool call is in each API, and how a denied one is replaced, is the dialect's
 * ({@link ApiDialect#toolCalls()}); this class frames, queues, holds, asks, releases and refuses.
 *
 * <p>The stream is cut into whole events ({@link SseFramer}). Events pass through byte for byte until a
 * tool call a hook matches starts; from there every event is held, in order: each call that starts while
 * they are held joins the hold, each is judged (off the event loop) as soon as it ended, and the hold is
 * released once every call in it ended and was decided, denied calls replaced. A call whose tool is not
 * known at its start (Chat Completions) is held until it ended, so a Chat stream is held from its first
 * call to {@code [DONE]}. A stream that ends inside a call has that call judged on what came of it.
 *
 * <p>Its framing is the stream's one decoding. The upstream's events, as they are read, go to {@code upstream}
 * (the exchange's usage reader, handed over by {@link dev.interpose.proxy.stream.BodyReader#handOver}); the
 * events the client gets, as they go out, to {@code client} (the after-hooks' assembler), so neither
 * decodes the stream again.
 *
 * <p>It judges what the client parses, never less (see {@link SseEvent} and {@link SseFramer}). An event it
 * cannot judge, or one the dialect says makes the calls unjudgeable, is never passed on: the stream ends
 * there with the API's error event and the connection closes. Asking the hooks fails closed: a judge that
 * throws or whose answer fails denies the call. Events with no data (comments, blank lines) pass as they are.
 *
 * <p>Confined to the exchange's event loop; hook answers come back through {@code loop}. Holds only heap
 * copies, so a cancelled gate leaks nothing.
 */
public final class ToolGate implements ResponseGate {
    /** An event larger than this cannot be judged: the stream is refused there. */
    static final int MAX_EVENT_BYTES = Limits.GATE_EVENT_BYTES;

    private final ToolCallStream calls;
    private final ToolJudge judge;
    private final Executor loop;
    private final Output out;
    private final SseDecoder.Listener client;
    private final Consumer<SseEvent> writer = this::write;
    private final SseFramer framer;
    private final ArrayDeque<SseEvent> queue = new ArrayDeque<>();
    /** The events held back and the calls they wait for, or null. */
    private ToolHold hold;
    private boolean pumping;
    private boolean ended;
    private boolean cancelled;
    private Runnable onDrained;

    ToolGate(ApiDialect api, ToolJudge judge, Executor loop, Output out) {
        this(api, judge, loop, out, null, null);
    }

    /**
     * @param upstream who reads the upstream's events (null: no one)
     * @param client   who reads the events the client gets (null: no one)
     */
    ToolGate(ApiDialect api, ToolJudge judge, Executor loop, Output out, SseDecoder.Listener upstream,
            SseDecoder.Listener client) {
        this.calls = api.toolCalls().stream();
        this.judge = judge;
        this.loop = loop;
        this.out = out;
        this.client = client;
        this.framer = new SseFramer(MAX_EVENT_BYTES, upstream);
    }

    @Override
    public void feed(ByteBuf chunk) {
        if (cancelled) {
            return;
        }
        framer.feed(chunk, queue::add);
        pump();
        out.flush();
    }

    /**
     * What the framer still held is framed now (an event ended by the body's last byte, a CR that could have been
     * the start of a CRLF; or one never ended), so that usage has read every event before the exchange reads it.
     */
    @Override
    public void inputEnded() {
        if (!cancelled) {
            framer.end(queue::add);
        }
    }

    @Override
    public void end(Runnable whenDone) {
        if (cancelled) {
            return;
        }
        inputEnded(); // nothing more when the exchange said so already
        ended = true;
        onDrained = whenDone;
        pump();
        out.flush();
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.clear();
        hold = null;
        onDrained = null;
    }

    /** Whether events are being held back now. */
    public boolean holding() {
        return hold != null || !queue.isEmpty();
    }

    /** Handles the queued events in order, until a hold waits for answers or nothing is left. */
    private void pump() {
        if (pumping) {
            return; // an answer came at once, inside step(): the loop below goes on from there
        }
        pumping = true;
        try {
            while (!cancelled) {
                if (hold != null && hold.closed()) {
                    if (!hold.decided()) {
                        break; // the rest waits for the hooks
                    }
                    release();
                } else if (!queue.isEmpty()) {
                    step(queue.poll());
                } else if (ended && hold != null) {
                    endOpen(); // the stream ended inside calls: judged on what came of them
                } else {
                    break;
                }
            }
        } finally {
            pumping = false;
        }
        if (ended && !cancelled && hold == null && queue.isEmpty() && onDrained != null) {
            Runnable done = onDrained;
            onDrained = null;
            done.run();
        }
    }

    private void step(SseEvent event) {
        String unjudgeable = event.unreadable() != null ? event.unreadable() : calls.unjudgeable(event);
        if (unjudgeable != null) {
            refuse(unjudgeable);
            return;
        }
        ToolCallStream.Change change = calls.read(event);
        List<ToolCall> watched = watched(change.started());
        if (hold == null && watched.isEmpty()) {
            calls.pass(event, writer);
            return;
        }
        if (hold == null) {
            hold = new ToolHold();
        }
        hold.add(event);
        for (ToolCall call : watched) {
            if (hold.has(call.key())) {
                // Two calls at one place while held: the client may run either, so neither can be judged alone.
                refuse("a tool call starts at the place of another one still being checked");
                return;
            }
            hold.open(call.key());
        }
        change.ended().forEach(this::ended);
    }

    /** The calls a hook may want to see: its tool is one a hook watches, or not known yet. */
    private List<ToolCall> watched(List<ToolCall> started) {
        if (started.isEmpty()) {
            return started;
        }
        List<ToolCall> watched = new ArrayList<>(started.size());
        for (ToolCall call : started) {
            if (call.name() == null || judge.wants(call.name())) {
                watched.add(call);
            }
        }
        return watched;
    }

    /** A call ended: when it is held and a hook watches its tool, the hooks are asked about it now. */
    private void ended(ToolCall call) {
        ToolHold.Verdict verdict = hold.end(call.key());
        if (verdict == null) {
            return; // not held: its tool is one no hook watches
        }
        String name = call.name() == null ? "" : call.name();
        if (!judge.wants(name)) {
            return;
        }
        hold.asking(verdict, name);
        ToolHold asked = hold;
        ToolJudge.ask(judge, call.id(), name, call.input()).thenAccept(ruling -> loop.execute(() -> answered(asked, verdict, ruling)));
    }

    private void answered(ToolHold asked, ToolHold.Verdict verdict, ToolJudge.Ruling ruling) {
        if (cancelled || asked != hold) {
            return;
        }
        hold.answer(verdict, ruling);
        if (!pumping) {
            pump();
            out.flush();
        }
    }

    private void endOpen() {
        calls.endOpen().forEach(this::ended);
        for (int key : hold.openKeys()) { // none when the dialect ended every call it started
            ToolHold.Verdict verdict = hold.end(key);
            hold.asking(verdict, "unfinished");
            hold.answer(verdict, ToolJudge.Ruling.of(new ToolJudge.Denial("interpose", "the call never ended, so it could not be checked")));
        }
    }

    /** An event to the client, and to whoever reads what the client gets, as their decoder would have read it. */
    private void write(SseEvent event) {
        out.write(Unpooled.wrappedBuffer(event.raw()));
        byte[] data = event.data();
        if (client != null && data != null && !framer.unterminated(event) && client.wants(event.name())) {
            client.onEvent(event.name(), data, data.length, data.length > Limits.EVENT_BYTES);
        }
    }

    private void release() {
        ToolHold done = hold;
        hold = null;
        calls.release(done.events(), done.denials(), done.rewrites(), writer);
    }

    /**
     * The stream cannot be judged from here on: nothing more of it goes out (not the calls being held either),
     * the client gets its API's error event, and the connection closes.
     */
    private void refuse(String why) {
        String message = "the upstream's stream was cut short: the PreToolUse hooks cannot check its tool calls, as "
                + why;
        byte[] lastEvent = calls.streamError(message);
        cancel();
        out.refuse(message, lastEvent);
    }
}
