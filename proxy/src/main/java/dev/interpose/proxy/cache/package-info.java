/**
 * The response cache: exact-match keys built from a request's dialect, upstream, method, path, model, the
 * headers that change an answer, a digest of those that identify the caller, and its JSON body with every
 * object's members sorted and the ignore rules' values masked ({@link dev.interpose.proxy.cache.KeyBuilder},
 * {@link dev.interpose.proxy.cache.BodyCanonicaliser}, {@link dev.interpose.proxy.cache.CallerDigest}); the
 * Caffeine store of whole answers with request collapsing ({@link dev.interpose.proxy.cache.ResponseCache});
 * and its meters. Thread-safe.
 */
package dev.interpose.proxy.cache;
