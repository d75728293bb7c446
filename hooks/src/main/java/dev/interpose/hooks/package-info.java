/**
 * The hook pipeline: the {@link dev.interpose.hooks.Hook} contract (what a hook sees and may answer), hook
 * scripts run as processes with Claude Code's stdin/stdout/exit-code protocol
 * ({@link dev.interpose.hooks.ScriptHook}), and the {@link dev.interpose.hooks.HookPipeline} that runs the
 * hooks of one event in parallel and merges their answers in a fixed order.
 *
 * <p>Plain Java and Jackson, no Netty types: the proxy adapts its requests and responses to the JSON each
 * hook reads. Hooks run on the pipeline's executor, never on an event loop; results come back as
 * {@code CompletableFuture}s.
 */
package dev.interpose.hooks;
