package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ToolCall;
import dev.interpose.proxy.dialect.ToolCalls;
import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link ToolGate}'s counterpart for a whole (non-streaming) JSON response: the body is held until it
 * ended, every tool call a hook watches is judged (in parallel), and a denied call is replaced by a text
 * part saying so, as the dialect replaces it ({@link ApiDialect#toolCalls()}: Anthropic {@code tool_use}
 * blocks become {@code text} blocks, Responses API call items become assistant messages, Chat
 * {@code tool_calls} are dropped with the denial appended to the message's content). Asking the hooks fails
 * closed: a call whose check failed is denied. When nothing was denied the body goes out byte for byte.
 * A compressed body (the upstream ignored {@code accept-encoding: identity}) is decoded first and sent
 * decoded; a compressed stream is held whole, decoded, and then passed through a {@link ToolGate}, so it
 * loses its pacing but never its check. A body of any other type (or none) is held whole too and judged
 * as what it looks like, since a client reads a streamed answer as a stream and a JSON one as JSON
 * whatever its type says: an object (after JSON whitespace or a byte order mark) as JSON, anything else
 * as a stream (plain text has no events, and passes).
 *
 * <p>Nothing it cannot judge passes: a body larger than {@link #MAX_BYTES} (as sent or decoded), in a
 * coding the proxy cannot decode, not valid for its coding, or (non-streaming) not one JSON object
 * {@link StrictJson} reads, is refused: the client gets a 502 instead, since the head waits for the body
 * ({@link #holdsWhole}).
 */
final class BodyGate implements ResponseGate {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BYTES = dev.interpose.proxy.body.Limits.GATE_BODY_BYTES;

    private final ApiDialect api;
    private final ToolJudge judge;
    private final Executor loop;
    private final Output out;
    private final String encoding;
    private final boolean stream;
    private final boolean sniff;
    /** Who reads the events the client gets of a compressed stream, once decoded (null: no one). */
    private final SseDecoder.Listener streamReader;
    private HeapBytes body = new HeapBytes(8192);
    private boolean cancelled;

    /**
     * @param encoding the body's content coding, null for none
     * @param stream   whether the body is a server-sent-events stream (then {@code encoding} is set)
     */
    BodyGate(ApiDialect api, ToolJudge judge, Executor loop, Output out, String encoding, boolean stream) {
        this(api, judge, loop, out, encoding, stream, false, null);
    }

    /** A gate for a compressed stream, whose events the client gets go to {@code streamReader} once decoded. */
    static BodyGate compressedStream(ApiDialect api, ToolJudge judge, Executor loop, Output out, String encoding,
            SseDecoder.Listener streamReader) {
        return new BodyGate(api, judge, loop, out, encoding, true, false, streamReader);
    }

    private BodyGate(ApiDialect api, ToolJudge judge, Executor loop, Output out, String encoding, boolean stream,
            boolean sniff, SseDecoder.Listener streamReader) {
        this.api = api;
        this.judge = judge;
        this.loop = loop;
        this.out = out;
        this.encoding = encoding;
        this.stream = stream;
        this.sniff = sniff;
        this.streamReader = streamReader;
    }

    /** A gate for a body whose type is neither JSON nor a stream: judged as what it looks like once whole. */
    static BodyGate sniffing(ApiDialect api, ToolJudge judge, Executor loop, Output out, String encoding) {
        return new BodyGate(api, judge, loop, out, encoding, false, true, null);
    }

    @Override
    public boolean decodes() {
        return encoding != null;
    }

    @Override
    public boolean holdsWhole() {
        return true;
    }

    @Override
    public void feed(ByteBuf chunk) {
        if (cancelled) {
            return;
        }
        if (!ContentCodings.supported(encoding)) {
            refuse("it is compressed with " + encoding + ", which the proxy cannot decode");
        } else if (!body.appendWithin(chunk, MAX_BYTES)) {
            refuse("it is larger than the " + MAX_BYTES + " bytes the proxy holds to check it");
        }
    }

    @Override
    public void end(Runnable whenDone) {
        if (cancelled) {
            return;
        }
        if (encoding != null && !decode()) {
            return;
        }
        if (stream || sniff && !startsAnObject()) {
            ResponseGate gate = new ToolGate(api, judge, loop, out, null, streamReader);
            gate.feed(Unpooled.wrappedBuffer(body.array(), 0, body.length()));
            body = null;
            gate.end(whenDone);
            return;
        }
        if (body.length() == 0) {
            pass(whenDone); // nothing to judge
            return;
        }
        ObjectNode response;
        try {
            response = StrictJson.object(body.array(), 0, body.length());
        } catch (UnreadableBodyException e) {
            refuse("its JSON could not be read: " + e.getMessage());
            return;
        }
        ToolCalls toolCalls = api.toolCalls();
        String unjudgeable = toolCalls.unjudgeable(response);
        if (unjudgeable != null) {
            refuse(unjudgeable);
            return;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCall call : toolCalls.calls(response)) {
            if (judge.wants(call.name())) {
                calls.add(call);
            }
        }
        if (calls.isEmpty()) {
            pass(whenDone);
            return;
        }
        List<CompletableFuture<ToolJudge.Ruling>> answers = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            answers.add(ToolJudge.ask(judge, call.id(), call.name(), call.input()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(() -> decided(response, calls, answers, whenDone)));
    }

    /** Every answer is in (none fails: {@link ToolGate#ask}): the body goes out as it came, or rewritten. */
    private void decided(ObjectNode response, List<ToolCall> calls, List<CompletableFuture<ToolJudge.Ruling>> answers,
            Runnable whenDone) {
        if (cancelled) {
            return;
        }
        Map<Integer, String> denied = new LinkedHashMap<>();
        Map<Integer, com.fasterxml.jackson.databind.JsonNode> rewritten = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolJudge.Ruling ruling = answers.get(i).join();
            if (ruling.denial() != null) {
                denied.put(calls.get(i).key(), ruling.denial().text(calls.get(i).name()));
            } else if (ruling.input() != null) {
                rewritten.put(calls.get(i).key(), ruling.input());
            }
        }
        if (denied.isEmpty() && rewritten.isEmpty()) {
            pass(whenDone);
            return;
        }
        api.toolCalls().rewrite(response, rewritten);
        api.toolCalls().replace(response, denied);
        try {
            out.write(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(response)));
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        out.flush();
        whenDone.run();
    }

    @Override
    public void cancel() {
        cancelled = true;
        body = null;
    }

    private void pass(Runnable whenDone) {
        if (body.length() > 0) {
            out.write(Unpooled.wrappedBuffer(body.array(), 0, body.length()));
        }
        out.flush();
        whenDone.run();
    }

    /** Whether the held body starts with an object, after JSON whitespace and a byte order mark. */
    private boolean startsAnObject() {
        byte[] bytes = body.array();
        int i = body.length() >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
        while (i < body.length() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i < body.length() && bytes[i] == '{';
    }

    /** Replaces the held bytes with their decoding; false (and the body refused) when they do not decode. */
    private boolean decode() {
        byte[] plain;
        try {
            plain = ContentCodings.decode(Unpooled.wrappedBuffer(body.array(), 0, body.length()), encoding, MAX_BYTES);
        } catch (ProxyException e) {
            refuse(e.kind() == ErrorKind.BODY_TOO_LARGE
                    ? "it decodes from " + encoding + " to more than the " + MAX_BYTES + " bytes the proxy holds to check it"
                    : "it is not valid " + encoding);
            return false;
        }
        HeapBytes decoded = new HeapBytes(Math.max(plain.length, 1));
        decoded.append(Unpooled.wrappedBuffer(plain));
        body = decoded;
        return true;
    }

    /** Nothing of the body goes out: the client is told why instead (a 502, as nothing has gone out yet). */
    private void refuse(String why) {
        cancelled = true;
        body = null;
        out.refuse("the upstream's answer was not passed on: the PreToolUse hooks cannot check its tool calls, as "
                + why);
    }
}
