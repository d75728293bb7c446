package dev.interpose.hooks;

import dev.interpose.config.HookEvent;

/**
 * One hook run, for the log line and the metrics.
 *
 * @param outcome {@link HookResult#outcome()}: {@code continue}, {@code context}, {@code rewrite},
 *                {@code block} or {@code error}
 * @param detail  the reason of a block or an error, else null
 * @param skipped whether the hook failed and, being fail-open, was skipped: what it guards did not apply
 */
public record HookRun(String hook, HookEvent event, long nanos, String outcome, String detail, boolean skipped) {
}
