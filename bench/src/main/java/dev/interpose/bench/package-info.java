/**
 * The benchmark: a fast fake upstream and a closed-loop load generator, each on one event loop thread of
 * this JVM, measuring the packaged proxy (started as its own process) against a direct call in one run.
 * Not part of the proxy and not a test.
 */
package dev.interpose.bench;
