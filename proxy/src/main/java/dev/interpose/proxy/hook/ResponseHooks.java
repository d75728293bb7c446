package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookRun;
import dev.interpose.hooks.Verdict;
import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.dialect.AnswerAssembler;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.AssembledResponse;
import dev.interpose.proxy.stream.AssemblerListener;
import dev.interpose.proxy.stream.BodyReader;
import dev.interpose.proxy.stream.JsonBody;
import dev.interpose.proxy.stream.ResponseObserver;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The response-side hook events of one configuration: {@code PreToolUse} (through a {@link ToolGate} that
 * holds the tool calls of a streamed response back, or a {@link BodyGate} for a JSON body), {@code PostResponse} and
 * {@code Stop} or, for a subagent's request, {@code SubagentStop} (observe only, run after a response ended cleanly,
 * with the {@link AssembledResponse}), and {@code StopFailure} when the turn ended on an error instead: a non-2xx
 * answer (its error body read), an error event or the output limit in the answer, or the exchange failing
 * ({@link Tap#failed}). With none of these hooks for a
 * client, {@link #wants} is false and the response is relayed as before: nothing is decoded or copied for them.
 * The answer is assembled from the exchange's one reading of the upstream's body ({@link ResponseObserver})
 * when the client gets that body as it is; behind a gate, which may replace denied calls, from what the gate
 * writes: a stream's events as the gate hands them out (its framing is the stream's one decoding), a JSON body
 * as it goes out, decoded.
 * Thread-safe; each {@link Tap} is confined to its exchange's event loop.
 */
public final class ResponseHooks {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResponseHooks.class);

    private final HookPipeline pipeline;
    private final Path projectDir;
    private final Executor executor;
    private final HookLog log;
    private final SubagentTypes agents;

    public ResponseHooks(HookPipeline pipeline, Path projectDir, Executor executor, HookLog log) {
        this(pipeline, projectDir, executor, log, new SubagentTypes());
    }

    /** As above, noting the subagent calls of each answer in {@code agents} for the request side. */
    public ResponseHooks(HookPipeline pipeline, Path projectDir, Executor executor, HookLog log, SubagentTypes agents) {
        this.agents = agents;
        this.pipeline = pipeline;
        this.projectDir = projectDir;
        this.executor = executor;
        this.log = log;
    }

    /** Whether a response-side hook may run for a request from this client to this path. */
    public boolean wants(String path, boolean claudeCode) {
        return ApiDialect.forPath(path) != null && (pipeline.has(HookEvent.PRE_TOOL_USE, claudeCode)
                || after(claudeCode) || pipeline.has(HookEvent.STOP_FAILURE, claudeCode));
    }

    /**
     * Whether a hook needs the whole answer: {@code PostResponse}, {@code Stop}, {@code SubagentStop},
     * {@code StopFailure}, and {@code SubagentStart} (the answer's subagent calls give the subagents' types).
     */
    private boolean after(boolean claudeCode) {
        return pipeline.has(HookEvent.POST_RESPONSE, claudeCode) || pipeline.has(HookEvent.STOP, claudeCode)
                || subagents(claudeCode) || pipeline.has(HookEvent.STOP_FAILURE, claudeCode);
    }

    private boolean subagents(boolean claudeCode) {
        return pipeline.has(HookEvent.SUBAGENT_START, claudeCode) || pipeline.has(HookEvent.SUBAGENT_STOP, claudeCode);
    }

    /**
     * Whether the tool calls of the response may be held back: a {@code PreToolUse} hook exists for this
     * client. The upstream is then asked for an uncompressed response, which the gate
     * can read.
     */
    public boolean gates(String path, boolean claudeCode) {
        return ApiDialect.forPath(path) != null && pipeline.has(HookEvent.PRE_TOOL_USE, claudeCode);
    }


    /** The hooks' view of one response. */
    public Tap tap(RequestHooks.Meta meta) {
        return new Tap(ApiDialect.forPath(meta.path()), meta);
    }

    /** One response, seen by the hooks. Confined to the exchange's event loop. */
    public final class Tap {
        private final ApiDialect api;
        private final RequestHooks.Meta meta;
        private final boolean after;
        /** The status of an answer that was not 2xx, for {@code StopFailure}; 0 for a 2xx one. */
        private int failedStatus;
        private AnswerAssembler assembler;
        /** Whether the answer is a whole JSON body, which the hooks see only when it was read ({@link #body}). */
        private boolean wholeBody;
        private JsonBody body;
        /** The reading of the JSON body the client gets, when a gate stands between it and the upstream's. */
        private BodyReader behindGate;

        private Tap(ApiDialect api, RequestHooks.Meta meta) {
            this.api = api;
            this.meta = meta.withFacts(agents.resolve(meta.facts(), null)); // the type its first request was given
            this.after = after(meta.claudeCode());
        }

        /**
         * The response head arrived.
         *
         * @param status   its status; only a 2xx answer is seen by the hooks
         * @param headers  its headers
         * @param upstream the exchange's reading of the upstream's body, which the hooks share when no gate
         *                 changes it
         * @param loop     the exchange's event loop, where the gate's hook answers are handled
         * @param out      where a gate writes the body the client receives
         * @return the gate the body must go through, or null to relay it unchanged
         */
        public ResponseGate begin(int status, HttpHeaders headers, ResponseObserver upstream, Executor loop,
                ResponseGate.Output out) {
            if (status < 200 || status >= 300) {
                if (pipeline.has(HookEvent.STOP_FAILURE, meta.claudeCode())) {
                    failedStatus = status; // relayed as it is; its error body is read for StopFailure
                    assemble(upstream.reader());
                }
                return null;
            }
            if (!pipeline.has(HookEvent.PRE_TOOL_USE, meta.claudeCode())) {
                if (after) {
                    assemble(upstream.reader()); // the client gets the upstream's body: the hooks read it too
                }
                return null;
            }
            // Behind a gate the client may get denied calls replaced: the hooks read what it gets.
            String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
            boolean stream = type.startsWith("text/event-stream");
            boolean jsonBody = type.startsWith("application/json");
            String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
            boolean identity = encoding == null || encoding.equalsIgnoreCase("identity");
            out = logged(out);
            if (stream && identity) {
                // The gate's framing is the stream's one decoding: usage reads its events as they come, the
                // assembler those that go out.
                return new ToolGate(api, new PreToolUseJudge(pipeline, meta, projectDir, executor, log), loop, out, upstream.reader().handOver(), assembleEvents());
            }
            if (stream) { // a coding the proxy cannot decode is refused by the gate, never passed
                return BodyGate.compressedStream(api, new PreToolUseJudge(pipeline, meta, projectDir, executor, log), loop, out, encoding, assembleEvents());
            }
            if (jsonBody) {
                if (after) { // the gate writes the body decoded
                    behindGate = new BodyReader(type, null);
                    assemble(behindGate);
                }
                return new BodyGate(api, new PreToolUseJudge(pipeline, meta, projectDir, executor, log), loop, out, identity ? null : encoding, false);
            }
            // Another type, or none: the client may still read it as a stream or as JSON, so it is judged.
            return BodyGate.sniffing(api, new PreToolUseJudge(pipeline, meta, projectDir, executor, log), loop, out, identity ? null : encoding);
        }

        /** The answer is assembled from what {@code reader} reads: a stream's events or a whole JSON body. */
        private void assemble(BodyReader reader) {
            AnswerAssembler answer = api.assembler();
            if (reader.listen(new AssemblerListener(answer), Limits.ASSEMBLED_BODY_BYTES, b -> body = b)) {
                assembler = answer;
                wholeBody = !reader.streaming();
            }
        }

        /** The reader of the stream's events the client gets, for the gate to feed; null without after-hooks. */
        private SseDecoder.Listener assembleEvents() {
            if (!after) {
                return null;
            }
            assembler = api.assembler();
            return new AssemblerListener(assembler);
        }

        /** {@code out}, with a warning logged for each refusal (the access log line says it too). */
        private ResponseGate.Output logged(ResponseGate.Output out) {
            return new ResponseGate.Output() {
                @Override
                public void write(ByteBuf bytes) {
                    out.write(bytes);
                }

                @Override
                public void flush() {
                    out.flush();
                }

                @Override
                public void refuse(String message) {
                    LOG.warn("request {}: {}", meta.requestId(), message);
                    out.refuse(message);
                }

                @Override
                public void refuse(String message, byte[] lastEvent) {
                    LOG.warn("request {}: {}", meta.requestId(), message);
                    out.refuse(message, lastEvent);
                }
            };
        }

        /**
         * Bytes of the body as the client receives them; only read. Without a gate they are the upstream's,
         * which the exchange's observer has read already.
         */
        public void observe(ByteBuf bytes) {
            if (behindGate != null) {
                behindGate.observe(bytes);
            }
        }

        /** The body ended cleanly: {@code PostResponse}, then {@code Stop} when the turn ended, off the event loop. */
        public void completed() {
            AnswerAssembler done = assembler;
            assembler = null;
            if (behindGate != null) {
                behindGate.finish();
                behindGate = null;
            }
            JsonBody whole = body;
            body = null;
            if (failedStatus != 0) {
                int status = failedStatus;
                CompletableFuture.runAsync(() -> failure(status, done, whole, null), executor);
                return;
            }
            if (done == null || wholeBody && whole == null) {
                return; // not read, or too big to assemble: the hooks are not run on half an answer
            }
            CompletableFuture.runAsync(() -> afterResponse(done, whole), executor);
        }

        /** The exchange failed on the proxy's side (unreachable, timed out, cut short): {@code StopFailure}. */
        public void failed(int status, String message) {
            AnswerAssembler partial = assembler;
            assembler = null;
            body = null;
            behindGate = null;
            if (pipeline.has(HookEvent.STOP_FAILURE, meta.claudeCode())) {
                CompletableFuture.runAsync(() -> failure(status, partial, null, message), executor);
            }
        }

        /**
         * {@code StopFailure} for an answer of this status (its body, when read, in {@code assembler} or
         * {@code whole}), or the proxy's {@code message}.
         */
        private void failure(int status, AnswerAssembler assembler, JsonBody whole, String message) {
            AssembledResponse response = assembled(assembler, whole);
            JsonNode error = response == null ? null : response.error();
            stopFailure(StopFailures.type(status, error), status + " " + (message != null ? message
                    : error != null && error.path("message").isTextual() ? error.path("message").asText() : "error"),
                    response == null ? null : response.text());
        }

        private void stopFailure(String type, String details, String lastText) {
            ObjectNode input = HookInput.of(HookEvent.STOP_FAILURE, meta, meta.sessionHeader(), projectDir);
            input.put("error", type).put("error_details", details);
            if (lastText != null && !lastText.isEmpty()) {
                input.put("last_assistant_message", lastText);
            }
            pipeline.run(HookEvent.STOP_FAILURE, type, meta.claudeCode(), input,
                    run -> log.record(meta.requestId(), run)).join();
        }

        /** The answer put together from {@code assembler} and the whole body, or null when nothing was read. */
        private AssembledResponse assembled(AnswerAssembler assembler, JsonBody whole) {
            if (assembler == null) {
                return null;
            }
            if (whole != null) {
                try {
                    JsonBody plain = whole.plain(Limits.ASSEMBLED_BODY_BYTES);
                    assembler.onBody(plain.bytes(), plain.length());
                } catch (RuntimeException e) {
                    return assembler.result(); // not what its headers say: what the stream gave, if anything
                }
            }
            return assembler.result();
        }

        private void afterResponse(AnswerAssembler assembler, JsonBody whole) {
            if (whole != null) {
                JsonBody plain;
                try {
                    plain = whole.plain(Limits.ASSEMBLED_BODY_BYTES);
                } catch (RuntimeException e) {
                    return; // not what its headers say: nothing to show the hooks
                }
                assembler.onBody(plain.bytes(), plain.length());
            }
            AssembledResponse response = assembler.result();
            if (subagents(meta.claudeCode())) {
                agents.noteCalls(response);
            }
            Consumer<HookRun> onRun = run -> log.record(meta.requestId(), run);
            String session = meta.sessionHeader();
            if (pipeline.has(HookEvent.POST_RESPONSE, meta.claudeCode())) {
                ObjectNode input = HookInput.of(HookEvent.POST_RESPONSE, meta, session, projectDir);
                input.set("response", response.toJson());
                pipeline.run(HookEvent.POST_RESPONSE, null, meta.claudeCode(), input, onRun).join();
            }
            if (response.failed() || StopFailures.outOfTokens(response.stopReason())) { // the turn ended on an error
                if (pipeline.has(HookEvent.STOP_FAILURE, meta.claudeCode())) {
                    String type = response.failed() ? StopFailures.type(0, response.error()) : StopFailures.MAX_OUTPUT_TOKENS;
                    String details = response.failed() ? response.error().path("message").asText("error in the stream")
                            : "the answer reached its output limit (" + response.stopReason() + ")";
                    stopFailure(type, details, response.text());
                }
                return;
            }
            boolean subagent = meta.facts().subagent();
            HookEvent stop = subagent ? HookEvent.SUBAGENT_STOP : HookEvent.STOP;
            if (response.endsTurn() && pipeline.has(stop, meta.claudeCode())) {
                ObjectNode input = HookInput.of(stop, meta, session, projectDir);
                input.put("stop_hook_active", false);
                if (subagent) {
                    input.putNull("agent_transcript_path"); // the client's file: the traffic does not name it
                }
                input.put("last_assistant_message", response.text());
                input.set("response", response.toJson());
                pipeline.run(stop, meta.facts().agentType(), meta.claudeCode(), input, onRun).join();
            } else if (pipeline.has(stop, meta.claudeCode())) {
                LOG.debug("request {}: the turn goes on ({}), so no {} hook runs", meta.requestId(),
                        response.stopReason(), stop.wireName());
            }
        }
    }
}
