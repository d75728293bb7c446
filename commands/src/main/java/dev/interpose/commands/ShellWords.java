package dev.interpose.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits argument text into words as a POSIX shell would for {@code $1}…{@code $9}: whitespace separates,
 * single quotes keep everything literally, double quotes keep whitespace and honour {@code \"} and
 * {@code \\}, a backslash outside quotes escapes the next character. No expansion of any kind. An
 * unterminated quote runs to the end of the text. Never throws.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /**
     * The words Claude Code gives {@code $0}, {@code $1}… and {@code $ARGUMENTS[N]}: it reads the text as a
     * shell command line and takes the words of its first command, so, unlike {@link #split}, the words end
     * at the first unquoted {@code | & ;} or redirection ({@code < >}), a {@code #} starting a word begins a
     * comment, {@code NAME=value} words before the first word are assignments and left out, and an
     * unterminated quote makes the rest of the text, from its word's start, one word as written. Observed on
     * the pinned Claude Code 2.1.328 ({@code ExpanderTest}); no expansion of any kind. Never throws.
     */
    public static List<String> claude(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean assignable = true; // still before the command's first word
        int wordStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || "|&;<>".indexOf(c) >= 0) {
                if (inWord) {
                    assignable = addWord(words, word, text.substring(wordStart, i), assignable);
                    inWord = false;
                }
                if (Character.isWhitespace(c)) {
                    continue;
                }
                return words;
            }
            if (!inWord) {
                if (c == '#') {
                    return words;
                }
                inWord = true;
                wordStart = i;
            }
            if (c == '\'' || c == '"') {
                int close = closing(text, i, c);
                if (close < 0) {
                    words.add(text.substring(wordStart)); // unterminated: the rest as written
                    return words;
                }
                for (int j = i + 1; j < close; j++) {
                    char q = text.charAt(j);
                    if (c == '"' && q == '\\' && j + 1 < close && "\"\\$`".indexOf(text.charAt(j + 1)) >= 0) {
                        q = text.charAt(++j);
                    }
                    word.append(q);
                }
                i = close;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (inWord) {
            addWord(words, word, text.substring(wordStart), assignable);
        }
        return words;
    }

    /** Adds the word unless it is an assignment before the first word; whether assignments may still come. */
    private static boolean addWord(List<String> words, StringBuilder word, String raw, boolean assignable) {
        boolean assignment = assignable && raw.matches("[A-Za-z_][A-Za-z0-9_]*=[\\s\\S]*");
        if (!assignment) {
            words.add(word.toString());
        }
        word.setLength(0);
        return assignment;
    }

    /** The index of the quote closing the one at {@code open}, or -1. */
    private static int closing(String text, int open, char quote) {
        for (int j = open + 1; j < text.length(); j++) {
            char c = text.charAt(j);
            if (quote == '"' && c == '\\') {
                j++;
            } else if (c == quote) {
                return j;
            }
        }
        return -1;
    }

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                inWord = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
