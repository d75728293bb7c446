/**
 * Reading request and response bodies without changing them: undoing a {@code Content-Encoding}
 * (gzip, deflate, zstd) into a bounded copy, and finding the {@code model} of a JSON request with a
 * streaming parse that stops as soon as it has it. Stateless; runs on the event loop, input sizes are
 * capped by the listener's body limit.
 */
package dev.interpose.proxy.body;
