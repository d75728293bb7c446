/**
 * Reading request and response bodies without changing them: undoing a {@code Content-Encoding}
 * (gzip, deflate, zstd) into a bounded copy, and finding the {@code model} of a JSON request with a
 * streaming parse of its top-level members (refusing a second {@code model}), and reading a body whole
 * for the hooks as strictly as any upstream may ({@code StrictJson}, on the hook executor). Stateless; the
 * rest runs on the event loop, input sizes capped by the listener's body limit.
 */
package dev.interpose.proxy.body;
