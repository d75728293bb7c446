/**
 * Prometheus metrics through an injected Micrometer registry. Every meter is built in
 * {@link dev.interpose.proxy.metrics.ProxyMetrics} from low-cardinality tags (route, status, outcome,
 * upstream, model); recording is thread-safe and allocation-light, called on event loops.
 */
package dev.interpose.proxy.metrics;
