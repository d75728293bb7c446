/**
 * Reading what streams through without touching it: a server-sent-events decoder fed read-only views of
 * the chunks as they pass, and the usage reader that picks token counts out of the few events (or the JSON
 * body) that carry them. Per-exchange objects confined to the client channel's event loop; they never
 * retain or release the buffers they are shown.
 */
package dev.interpose.proxy.stream;
