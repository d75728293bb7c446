/**
 * Slash commands: finding {@code /name args} in the newest user turn and expanding it from a markdown
 * command file before the request leaves the machine.
 *
 * <p>Plain Java with no Netty types, called off the event loop. This module is deliberately thin until
 * the slash-commands issue fills it; it already sits in the module graph between {@code config} and
 * {@code proxy}.
 */
package dev.interpose.commands;
