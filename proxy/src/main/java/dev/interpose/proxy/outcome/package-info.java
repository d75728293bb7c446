/**
 * How an exchange ended, as the access log, the metrics and the after-hooks read it: the
 * {@link dev.interpose.proxy.outcome.Outcome} and the one {@link dev.interpose.proxy.outcome.ExchangeRecord}
 * per request. Plain values, so that the exchange, the log and the metrics all depend on this package and
 * none on another.
 */
package dev.interpose.proxy.outcome;
