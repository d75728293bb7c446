/**
 * The hook pipeline's contract: what a pre/post hook sees of an exchange and what it may answer.
 *
 * <p>Plain Java with no Netty types; the proxy adapts its exchanges to these values. Hooks are run off
 * the event loop and report back through {@code CompletionStage}s. This module is deliberately thin until
 * the hooks issue fills it; it already sits in the module graph between {@code config} and {@code proxy}.
 */
package dev.interpose.hooks;
