/**
 * The benchmark: a fast fake upstream and a closed-loop load generator, each on one event loop thread of
 * this JVM, measuring the packaged proxy (started as its own process) against a direct call and against nginx
 * as a reverse proxy (a child process) in one run: cold and warm, paced streams, allocation per request, and
 * the performance goals as met or not. Not part of the proxy and not a test.
 */
package dev.interpose.bench;
