/**
 * Reading what streams through without touching it: one {@code BodyReader} per answer, which decodes a
 * server-sent-events stream once (fed read-only views of the chunks as they pass) and fans its events out
 * to the listeners that want them, or copies a JSON body once for all its readers; and the usage reader
 * that picks token counts out of the few events (or the JSON body) that carry them, which events those are
 * being the API's own ({@code dialect.UsageEvents}). Per-exchange objects confined to the client channel's
 * event loop; they never retain or release the buffers they are shown.
 */
package dev.interpose.proxy.stream;
