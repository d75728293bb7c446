package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.commands.Catalog;
import dev.interpose.commands.Expander;
import dev.interpose.commands.Invocation;
import dev.interpose.config.CommandDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import dev.interpose.proxy.agent.AgentRunner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slash commands in the request path. On the event loop, {@link #mayApply} looks through the body's bytes for
 * a JSON string that starts with {@code /name} for a known name (no parse, no allocation unless one is
 * there); only then is the body handed off. Off the loop, {@link #apply} finds what the person typed in the
 * newest user turn and, when it starts with a known command, replaces it with the expansion (and the model,
 * when the command names one), or answers {@code /commands} with the list. A prompt that is not a known
 * command changes nothing. One log line ({@code interpose.commands}) and one count
 * ({@code interpose_command_expansions_total{command,outcome}}) per command, never with its arguments.
 * Thread-safe.
 */
public final class SlashCommands {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.commands");

    /** The built-in command that runs subagents on a task: {@code /agents a,b -- task}. */
    public static final String AGENTS = "agents";

    private final Catalog catalog;
    private final Expander expander;
    private final AgentRunner agents;
    private final CommandMeters meters;
    private final byte[][] names;
    /** No command or agent files: the built-ins have nothing to offer, so bodies are not even searched. */
    private final boolean idle;

    public SlashCommands(Catalog catalog, Expander expander, AgentRunner agents, MeterRegistry registry) {
        this.catalog = catalog;
        this.expander = expander;
        this.agents = agents;
        this.meters = new CommandMeters(registry);
        Set<String> all = new HashSet<>(catalog.names());
        all.add(AGENTS);
        this.idle = catalog.isEmpty() && agents.agents().isEmpty();
        this.names = all.stream().map(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /** The subagents these commands (and {@code /agents}) run. */
    public AgentRunner agents() {
        return agents;
    }

    /**
     * What a command did to a request: its name, or a reply the proxy gives instead of forwarding; for an expansion,
     * the arguments as typed and where the command comes from ({@code UserPromptExpansion}'s {@code command_args}
     * and {@code command_source}).
     */
    public record Result(String command, String reply, String arguments, String source) {
        static final Result NONE = new Result(null, null);

        Result(String command, String reply) {
            this(command, reply, null, null);
        }

        public boolean expanded() {
            return command != null && reply == null;
        }
    }

    /**
     * Whether the body may invoke a command: it holds a JSON string starting {@code "/name} with a known name
     * ending at whitespace or the string's end. Cheap enough for the event loop; always false, without a
     * look at the body, while no command or agent file exists.
     */
    public boolean mayApply(ByteBuf body) {
        if (idle) {
            return false;
        }
        int end = body.writerIndex();
        if (body instanceof CompositeByteBuf) {
            // An aggregated request is a composite: search each part with its own word-at-a-time search (a
            // composite's indexOf goes byte by byte). A '/' never spans parts; what is around it is read whole.
            CompositeByteBuf composite = (CompositeByteBuf) body;
            for (int i = 0; i < composite.numComponents(); i++) {
                int start = composite.toByteIndex(i);
                ByteBuf part = composite.internalComponent(i);
                int from = Math.max(body.readerIndex() + 1, start);
                int to = Math.min(end, start + part.readableBytes());
                if (from < to && scan(body, part, start - part.readerIndex(), from, to, end)) {
                    return true;
                }
            }
            return false;
        }
        return scan(body, body, 0, body.readerIndex() + 1, end, end);
    }

    /** Looks for {@code "/name} in {@code [from, to)} of {@code body}, searching {@code part} (at {@code shift}). */
    private boolean scan(ByteBuf body, ByteBuf part, int shift, int from, int to, int end) {
        int slash;
        while (from < to && (slash = part.indexOf(from - shift, to - shift, (byte) '/')) >= 0) {
            int at = slash + shift;
            if (body.getByte(at - 1) == '"' && knownAt(body, at + 1, end)) {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    private boolean knownAt(ByteBuf body, int start, int end) {
        for (byte[] name : names) {
            int after = start + name.length;
            if (after >= end) {
                continue;
            }
            boolean same = true;
            for (int j = 0; j < name.length && same; j++) {
                same = body.getByte(start + j) == name[j];
            }
            if (same) {
                byte next = body.getByte(after);
                if (next == '"' || next == ' ' || next == '\\' || next == '\t') { // \n is \\n in JSON
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Expands the newest typed prompt of {@code json} in place when it is a known command, and runs the
     * subagents it names ({@code agents:} in its front matter, or {@code /agents a,b -- task}), adding their
     * answers to the turn. Blocks (includes, shell, waiting for the agents): call it off the event loop.
     *
     * @param cancel completes when the client went away: agent calls in flight are cancelled
     */
    Result apply(ObjectNode json, ApiDialect turn, RequestHooks.Meta meta, CompletableFuture<?> cancel)
            throws InterruptedException {
        Invocation invocation = Invocation.parse(turn.prompt(json));
        if (invocation == null) {
            return Result.NONE;
        }
        long start = System.nanoTime();
        if (invocation.name().equals(Catalog.LIST)) {
            record(meta.requestId(), Catalog.LIST, "listed", start, null);
            return new Result(Catalog.LIST, catalog.listing());
        }
        CommandDefinition command = catalog.find(invocation.name());
        if (command == null && invocation.name().equals(AGENTS)) {
            return agentsCommand(json, turn, meta, invocation.arguments(), cancel, start);
        }
        if (command == null) {
            return Result.NONE;
        }
        Expander.Expansion expansion = expander.expand(command, invocation.arguments(), meta.sessionHeader());
        if (expansion.failed()) {
            record(meta.requestId(), command.name(), "failed", start, expansion);
            return new Result(command.name(), expansion.failure()); // shown instead, as Claude Code shows it
        }
        turn.replacePrompt(json, expansion.text());
        for (String attachment : expansion.attachments()) {
            turn.addContext(json, attachment); // the files named with @path; the text keeps the mention
        }
        if (!dev.interpose.config.ModelNames.inherits(command.model())) { // inherit: the request's model
            json.put("model", command.model().strip());
        }
        record(meta.requestId(), command.name(), "expanded", start, expansion);
        if (!command.agents().isEmpty()) {
            runAgents(json, turn, meta, command.agents(), expansion.text().strip(), cancel);
        }
        return new Result(command.name(), null, invocation.arguments(), "skill"); // Claude Code: commands are skills
    }

    /** {@code /agents a,b -- task}: the task replaces the prompt, the agents' answers follow it. */
    private Result agentsCommand(ObjectNode json, ApiDialect turn, RequestHooks.Meta meta, String arguments,
            CompletableFuture<?> cancel, long start) {
        int split = arguments.indexOf("--");
        List<String> names = new ArrayList<>();
        for (String name : (split < 0 ? "" : arguments.substring(0, split)).split("[,\\s]+")) {
            if (!name.isBlank()) {
                names.add(name);
            }
        }
        String task = split < 0 ? "" : arguments.substring(split + 2).strip();
        if (names.isEmpty() || task.isEmpty()) {
            record(meta.requestId(), AGENTS, "usage", start, null);
            return new Result(AGENTS, "Usage: /agents name1,name2 -- the task for them. Agents available: "
                    + (agents.agents().isEmpty() ? "none (put markdown files in .interpose/agents/)"
                            : String.join(", ", agents.agents().keySet())) + ".");
        }
        turn.replacePrompt(json, task);
        record(meta.requestId(), AGENTS, "expanded", start, null);
        runAgents(json, turn, meta, names, task, cancel);
        return new Result(AGENTS, null, arguments, "builtin");
    }

    private void runAgents(ObjectNode json, ApiDialect turn, RequestHooks.Meta meta, List<String> names, String task,
            CompletableFuture<?> cancel) {
        ApiDialect api = ApiDialect.forPath(meta.path());
        String model = json.path("model").isTextual() ? json.path("model").asText() : null;
        AgentRunner.Trigger trigger = new AgentRunner.Trigger(api, meta.path(), meta.credentials(), model,
                meta.requestId(), json.path("tools").isArray() ? json.get("tools") : null);
        for (AgentRunner.Result result : agents.run(names, task, trigger, cancel).join()) {
            turn.addContext(json, AgentRunner.block(result)); // in the order listed, whatever the finishing order
        }
    }

    private void record(String requestId, String command, String outcome, long start, Expander.Expansion expansion) {
        meters.expanded(command, outcome);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", requestId);
        fields.put("command", command);
        fields.put("outcome", outcome);
        fields.put("duration_ms", Math.round((System.nanoTime() - start) / 1000.0) / 1000.0);
        if (expansion != null) {
            fields.put("includes", expansion.includes());
            fields.put("shell_commands", expansion.shells());
            fields.put("refused", expansion.refused());
        }
        LOG.info(Markers.appendEntries(fields), "command /{} {}", command, outcome);
    }
}
