/**
 * Slash commands: finding {@code /name args} at the start of what the person typed ({@link Invocation}),
 * the commands of a configuration ({@link Catalog}, with the built-in {@code /commands}), and expanding a
 * command file's template ({@link Expander}: arguments, {@code @file} includes, {@code !`shell`}).
 *
 * <p>Plain Java with no Netty types; {@link Expander} blocks and is called off the event loop.
 */
package dev.interpose.commands;
