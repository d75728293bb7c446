/**
 * The exchange: one request's life from the moment it was received whole to its one outcome, as an
 * explicit state machine ({@link dev.interpose.proxy.exchange.Exchange.State}). An exchange is confined to
 * its client channel's event loop, and so is the upstream channel it borrows; no locks, no volatile
 * fields. It owns the aggregated request until the response head arrives and forwards each response chunk
 * to the client untouched, reading the next only when the client can take it.
 */
package dev.interpose.proxy.exchange;
