/**
 * The access log: one structured line per finished exchange, written through SLF4J to the
 * {@code interpose.access} logger (Logback renders it as JSON or text; an async appender keeps the event
 * loop from waiting on stdout). Never bodies, never credentials.
 */
package dev.interpose.proxy.log;
