/**
 * Reading request and response bodies without changing them: undoing a {@code Content-Encoding}
 * (gzip, deflate, zstd) into a bounded copy, finding the {@code model} of a JSON request (a byte scan of
 * its structure rules out a second top-level {@code model}, else a streaming parse of every top-level
 * member decides, refusing a second one), and reading a body whole
 * for the hooks as strictly as any upstream may ({@code StrictJson}, on the hook executor). Stateless; the
 * rest runs on the event loop, input sizes capped by the listener's body limit.
 */
package dev.interpose.proxy.body;
