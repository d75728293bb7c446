package dev.interpose.config;

import java.nio.file.Path;

/**
 * One configuration value as given, before validation, with where it came from.
 *
 * @param key    dotted key path, such as {@code upstreams.anthropic.url}
 * @param value  the raw text ({@code <mapping>} or {@code <list>} when a file gave a structure)
 * @param source where the value came from
 */
public record Setting(String key, String value, Source source) {

    /** Where a value came from, for error messages and {@code config show}. */
    public record Source(Kind kind, String name, Path file, int line, int column) {
        public enum Kind { DEFAULT, FILE, ENV, FLAG }

        public static final Source DEFAULT = new Source(Kind.DEFAULT, "default", null, 0, 0);

        public static Source file(Path file, int line, int column) {
            return new Source(Kind.FILE, file.toString(), file, line, column);
        }

        public static Source env(String variable) {
            return new Source(Kind.ENV, variable, null, 0, 0);
        }

        public static Source flag(String flag) {
            return new Source(Kind.FLAG, flag, null, 0, 0);
        }

        /** {@code default}, {@code file:line:col}, {@code env NAME} or {@code flag --name}. */
        public String describe() {
            switch (kind) {
                case FILE: return name + ":" + line + ":" + column;
                case ENV: return "env " + name;
                case FLAG: return "flag " + name;
                default: return "default";
            }
        }
    }
}
