/**
 * A request's stages before its exchange, from arrival to the hand-off: {@link dev.interpose.proxy.request.Preparation}
 * (decode, route, model rewrite, command sniffing), {@link dev.interpose.proxy.request.HookStage} (the request
 * hooks and slash commands, off the event loop, and the re-route after them), {@link dev.interpose.proxy.request.CacheKeyStage}
 * (the response cache's key, off the loop for large bodies) and the agents API ({@link dev.interpose.proxy.request.AgentsEndpoint}),
 * conducted by one {@link dev.interpose.proxy.request.RequestFlow} per request. Everything here runs on the client
 * channel's event loop, except the work a stage hands to an executor; each such stage has its own cancel. Knows
 * nothing of the client handler: it talks to the connection through {@link dev.interpose.proxy.request.ClientSide}.
 */
package dev.interpose.proxy.request;
