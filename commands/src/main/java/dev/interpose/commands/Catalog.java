package dev.interpose.commands;

import dev.interpose.config.CommandDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of one configuration, looked up by name: the full name ({@code git:pr}) always, the last
 * part ({@code pr}) while no other command shares it. {@code /commands} is built in and lists them all.
 * Immutable and thread-safe.
 */
public final class Catalog {
    /** The built-in command that lists the others. */
    public static final String LIST = "commands";

    private final Map<String, CommandDefinition> byName = new LinkedHashMap<>();
    private final Map<String, CommandDefinition> byShortName = new HashMap<>();
    private final int failed;

    /**
     * @param commands the commands that loaded, each name once, in precedence order
     * @param failed   how many command files failed to load (for the listing)
     */
    public Catalog(List<CommandDefinition> commands, int failed) {
        Map<String, Integer> shortCounts = new HashMap<>();
        for (CommandDefinition c : commands) {
            if (!c.userInvocable()) {
                continue; // user-invocable: false: only the model may use it, in Claude Code
            }
            byName.putIfAbsent(c.name(), c);
            shortCounts.merge(shortName(c.name()), 1, Integer::sum);
        }
        for (CommandDefinition c : byName.values()) {
            String shortName = shortName(c.name());
            if (!shortName.equals(c.name()) && shortCounts.get(shortName) == 1 && !byName.containsKey(shortName)) {
                byShortName.put(shortName, c);
            }
        }
        this.failed = failed;
    }

    public static Catalog empty() {
        return new Catalog(List.of(), 0);
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The command typed as {@code /name}, or null ({@code /commands} is not in the catalog: see {@link #LIST}). */
    public CommandDefinition find(String name) {
        CommandDefinition c = byName.get(name);
        return c != null ? c : byShortName.get(name);
    }

    /** Every name a person may type, short names included, plus {@link #LIST}. */
    public List<String> names() {
        List<String> names = new ArrayList<>(byName.keySet());
        names.addAll(byShortName.keySet());
        names.add(LIST);
        return names;
    }

    /** The text {@code /commands} answers with. */
    public String listing() {
        StringBuilder out = new StringBuilder();
        if (byName.isEmpty()) {
            out.append("No slash commands are defined. Put markdown files in .interpose/commands/ (or .codexplus/commands/, "
                    + ".claude/commands/) in the project or your home directory.");
        } else {
            out.append("Slash commands available through Interpose:\n");
            for (CommandDefinition c : byName.values()) {
                out.append("\n/").append(c.name());
                String shortName = shortName(c.name());
                if (byShortName.get(shortName) == c) {
                    out.append(" (or /").append(shortName).append(')');
                }
                if (c.argumentHint() != null && !c.argumentHint().isBlank()) {
                    out.append(' ').append(c.argumentHint());
                }
                if (c.description() != null && !c.description().isBlank()) {
                    out.append(" - ").append(c.description());
                }
            }
            out.append("\n\n/commands - this list");
        }
        if (failed > 0) {
            out.append("\n\n").append(failed).append(failed == 1 ? " command file" : " command files")
                    .append(" failed to load; `interpose list` says why.");
        }
        return out.toString();
    }

    private static String shortName(String name) {
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(colon + 1);
    }
}
