/**
 * The proxy's own errors: one closed {@link dev.interpose.proxy.error.ErrorKind} enum carried by one
 * exception type, and the JSON bodies that render them in the client's own dialect.
 *
 * <p>Stateless; used on the event loop. Upstream 4xx/5xx answers are not the proxy's errors and never pass
 * through here: they are relayed verbatim.
 */
package dev.interpose.proxy.error;
