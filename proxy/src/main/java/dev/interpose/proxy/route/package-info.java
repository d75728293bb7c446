/**
 * Routing: which upstream and dialect a request belongs to, decided from its path and headers, and which
 * client sent it. Immutable, thread-safe, and cheap enough to run on the event loop for every request.
 */
package dev.interpose.proxy.route;
