package dev.interpose.config;

/**
 * Shell-style wildcard patterns for paths and model names: {@code *} matches any run of characters
 * ({@code /} included), {@code ?} exactly one; everything else matches itself, case-sensitively.
 * {@code claude-haiku-*} matches {@code claude-haiku-4-5}; {@code gpt-*-mini} matches {@code gpt-5-mini}.
 * Immutable; matching allocates nothing.
 */
public final class Glob {
    private final String pattern;

    public Glob(String pattern) {
        this.pattern = pattern;
    }

    public boolean matches(CharSequence text) {
        // The classic greedy matcher with one backtrack point: linear for patterns with a single star,
        // never exponential.
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
