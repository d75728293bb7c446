/**
 * Interpose's configuration: immutable records, the built-in defaults, and the loader that layers
 * config files, environment variables and command-line flags over them.
 *
 * <p>{@link dev.interpose.config.ConfigTable} names every key once, with its type and allowed range
 * ({@link dev.interpose.config.ValueType}), default and documentation; the loader
 * ({@link dev.interpose.config.ConfigLayers}, {@link dev.interpose.config.ConfigValues},
 * {@link dev.interpose.config.ConfigLoader}), {@code config show}, the records' own checks and the
 * reference in {@code docs/configuration.md} all follow it.
 *
 * <p>Plain Java, no Netty. Configuration is built once in {@code main} (and on reload) and handed down by
 * constructor; the records are immutable and safe to share between threads.
 */
package dev.interpose.config;
