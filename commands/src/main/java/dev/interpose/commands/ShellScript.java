package dev.interpose.commands;

/**
 * Turns the template of a {@code !`…`} line into a script for {@code /bin/sh -c SCRIPT sh word1 word2 …}
 * in which every placeholder has become a reference to a parameter, never its value: {@code $1}…{@code $9}
 * refer to the positional parameters (the argument words), {@code $ARGUMENTS} to {@code "$@"} or to the
 * environment variable {@value #ARGUMENTS_VARIABLE} (the raw argument text). What the person typed therefore
 * never becomes shell source, whatever quotes the template or the arguments contain.
 *
 * <p>A small lexer follows the template's quoting so that each reference expands to exactly the value, one
 * word, without splitting or globbing:
 * <ul>
 *   <li>unquoted (also inside {@code $(…)}): {@code $N} becomes {@code "${N}"}, {@code $ARGUMENTS}
 *       {@code "$@"} (the words, each one argument);</li>
 *   <li>inside double quotes: {@code ${N}} and {@code ${INTERPOSE_ARGUMENTS}};</li>
 *   <li>inside single quotes the quote is closed, the double-quoted reference inserted and the quote
 *       reopened: {@code '"${N}"'}.</li>
 * </ul>
 * A backslash-escaped {@code \$1} stays the literal text {@code $1}, as the shell reads it. Should the lexer
 * misjudge a context, the worst outcome is a reference expanded with splitting or a syntax error: a value is
 * still never parsed as code. One exception it refuses: a placeholder inside arithmetic {@code $((…))},
 * where a shell evaluates the value as an expression (bash runs {@code $(…)} in an array subscript there).
 * Stateless; thread-safe.
 */
final class ShellScript {
    /** The environment variable that carries the raw argument text. */
    static final String ARGUMENTS_VARIABLE = "INTERPOSE_ARGUMENTS";

    private static final char NORMAL = 'n';
    private static final char SUBSTITUTION = 's';
    private static final char ARITHMETIC = 'a';
    private static final char SINGLE = '\'';
    private static final char DOUBLE = '"';

    private ShellScript() {
    }

    /** Thrown for a template this class will not turn into a script; the message says why. */
    static final class UnsupportedTemplateException extends Exception {
        UnsupportedTemplateException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The script for {@code template}.
     *
     * @throws UnsupportedTemplateException when a placeholder stands inside {@code $((…))}
     */
    static String of(String template) throws UnsupportedTemplateException {
        StringBuilder out = new StringBuilder(template.length() + 16);
        // The quoting contexts entered, innermost last, and for each $( or $(( the open parentheses in it.
        char[] stack = new char[template.length() + 1];
        int[] parens = new int[template.length() + 1];
        int top = 0;
        stack[0] = NORMAL;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            char context = stack[top];
            int placeholder = placeholderLength(template, i);
            if (placeholder > 0) {
                if (inside(stack, top, ARITHMETIC)) {
                    throw new UnsupportedTemplateException("a placeholder inside $((...)) would be evaluated as an "
                            + "arithmetic expression");
                }
                out.append(reference(template.substring(i + 1, i + placeholder), context));
                i += placeholder;
                continue;
            }
            if (context == SINGLE) {
                if (c == '\'') {
                    top--;
                }
                out.append(c);
                i++;
                continue;
            }
            if (c == '\\' && i + 1 < template.length()) {
                out.append(c).append(template.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '$' && i + 1 < template.length() && template.charAt(i + 1) == '$') {
                out.append("$$"); // the shell's pid, then ordinary text: not a $ before a placeholder
                i += 2;
                continue;
            }
            if (c == '$' && template.startsWith("$((", i)) {
                stack[++top] = ARITHMETIC;
                parens[top] = 0;
                out.append("$((");
                i += 3;
                continue;
            }
            if (c == '$' && i + 1 < template.length() && template.charAt(i + 1) == '(') {
                stack[++top] = SUBSTITUTION;
                parens[top] = 0;
                out.append("$(");
                i += 2;
                continue;
            }
            if (context == DOUBLE) {
                if (c == '"') {
                    top--;
                }
            } else if (c == '\'' || c == '"') {
                stack[++top] = c;
            } else if (c == '(' && top > 0) {
                parens[top]++;
            } else if (c == ')' && top > 0) {
                if (parens[top] > 0) {
                    parens[top]--;
                } else {
                    // The end of $( ... ), or of $(( ... )) at its second parenthesis.
                    if (context == ARITHMETIC && i + 1 < template.length() && template.charAt(i + 1) == ')') {
                        out.append(')');
                        i++;
                    }
                    top--;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean inside(char[] stack, int top, char context) {
        for (int k = 0; k <= top; k++) {
            if (stack[k] == context) {
                return true;
            }
        }
        return false;
    }

    /** The length of the placeholder ({@code $1}…{@code $9}, {@code $ARGUMENTS}) at {@code i}, or 0. */
    static int placeholderLength(String text, int i) {
        if (text.charAt(i) != '$' || i + 1 >= text.length()) {
            return 0;
        }
        char next = text.charAt(i + 1);
        if (next >= '1' && next <= '9') {
            return 2;
        }
        return text.startsWith("ARGUMENTS", i + 1) ? 1 + "ARGUMENTS".length() : 0;
    }

    private static String reference(String name, char context) {
        boolean all = name.equals("ARGUMENTS");
        switch (context) {
            case SINGLE:
                return "'\"${" + (all ? ARGUMENTS_VARIABLE : name) + "}\"'";
            case DOUBLE:
                return "${" + (all ? ARGUMENTS_VARIABLE : name) + "}";
            default:
                return all ? "\"$@\"" : "\"${" + name + "}\"";
        }
    }
}
