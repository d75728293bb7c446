package dev.interpose.config;

import java.util.List;

/**
 * A configuration that does not validate. Carries every problem found, each a line of the form
 * {@code key.path: "value" (expected: what)} so an operator can fix them all in one go. A URL's credentials
 * and query are masked ({@link Secrets}) here, whatever reported the problem, so no log line or terminal
 * shows them.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(Secrets.mask(String.join("\n", problems)), null, false, false);
        this.problems = problems.stream().map(Secrets::mask).toList();
    }

    /** Every problem, one line each, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
