/**
 * The exchange: one request's way upstream and its response's way back, from the cache to its one
 * {@link dev.interpose.proxy.exchange.Result}, as explicit stages ({@link dev.interpose.proxy.exchange.Stage});
 * {@link dev.interpose.proxy.exchange.Exchange} conducts them, each stage's work in its own small class. An
 * exchange is confined to its client channel's event loop, and so is the upstream channel it borrows; no
 * locks, no volatile fields. It owns the aggregated request until the response head arrives and forwards
 * each response chunk to the client untouched, reading the next only when the client can take it.
 */
package dev.interpose.proxy.exchange;
