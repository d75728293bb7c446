package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The input of {@code UserPromptExpansion}, as Claude Code documents it, for one of the proxy's own expansions:
 * {@code expansion_type} ({@code slash_command}), {@code command_name}, {@code command_args} (as typed),
 * {@code command_source} ({@code skill} for a command or skill file, which Claude Code now treats alike;
 * {@code builtin} for {@code /agents}) and {@code prompt} (the line as typed); plus {@code expansion}, the text it
 * expanded to, which the model will see. Stateless.
 */
final class PromptExpansion {
    private PromptExpansion() {
    }

    static void describe(ObjectNode input, SlashCommands.Result command, String typed, String expanded) {
        input.put("expansion_type", "slash_command");
        input.put("command_name", command.command());
        input.put("command_args", command.arguments() == null ? "" : command.arguments());
        input.put("command_source", command.source());
        input.put("prompt", typed);
        input.put("expansion", expanded);
    }
}
