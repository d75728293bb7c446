/**
 * Interpose's configuration: immutable records, the built-in defaults, and the loader that layers
 * environment variables and command-line flags over them.
 *
 * <p>Plain Java, no Netty. Configuration is built once in {@code main} (and on reload) and handed down by
 * constructor; the records are immutable and safe to share between threads.
 */
package dev.interpose.config;
