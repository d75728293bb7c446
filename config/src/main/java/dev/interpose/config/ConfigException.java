package dev.interpose.config;

import java.util.List;

/**
 * A configuration that does not validate. Carries every problem found, each a line of the form
 * {@code key.path: "value" (expected: what)} so an operator can fix them all in one go.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
