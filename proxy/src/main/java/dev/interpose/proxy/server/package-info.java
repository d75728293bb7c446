/**
 * The server's lifecycle: {@link dev.interpose.proxy.server.InterposeServer} binds the listener, owns the event
 * loops, swaps in a new configuration snapshot on reload and drains gracefully on stop;
 * {@link dev.interpose.proxy.server.SnapshotBuilder} builds each snapshot (upstream clients, hooks, slash
 * commands and agents, the response cache, the meters) and keeps what outlives one. Called from the main thread
 * and the config watcher's, never from an event loop. Depends on {@code client} for the connection pipeline it
 * installs; nothing on the client side depends on this package.
 */
package dev.interpose.proxy.server;
