package dev.interpose.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one kind of value is read from its text, what it may be, and how it is written back: the parser and
 * the allowed range of a {@link ConfigKey}. The loader parses a file's text with {@link #parse}; a record
 * built in code checks the same range with {@link #problem}, so both refuse a bad value with the same words.
 *
 * @param <T> the parsed value; {@code null} from {@link #parse} means "not set" (a blank optional value)
 */
final class ValueType<T> {
    static final String URL_EXPECTED = "an http or https URL with a host and no query";
    static final String DURATION_EXPECTED = "a positive duration such as 500ms, 30s, 5m or 1h";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** Thrown by a parser for text that is not a value of its type; a configuration error, no stack trace. */
    static final class BadValue extends RuntimeException {
        BadValue() {
            super(null, null, false, false);
        }
    }

    /** Reads a setting's text (its source, for a path relative to its file); throws {@link BadValue}. */
    interface Parser<T> {
        T parse(Setting setting);
    }

    private final String expected;
    private final Parser<T> parser;
    private final Predicate<T> allowed;
    private final Function<T, String> format;
    private final ValueType<String> element;

    private ValueType(String expected, Parser<T> parser, Predicate<T> allowed, Function<T, String> format) {
        this(expected, parser, allowed, format, null);
    }

    private ValueType(String expected, Parser<T> parser, Predicate<T> allowed, Function<T, String> format,
            ValueType<String> element) {
        this.expected = expected;
        this.parser = parser;
        this.allowed = allowed;
        this.format = format;
        this.element = element;
    }

    /** A type of its own: what it expects, how its text is read, what it allows and how it is written. */
    static <T> ValueType<T> of(String expected, Parser<T> parser, Predicate<T> allowed, Function<T, String> format) {
        return new ValueType<>(expected, parser, allowed, format);
    }

    /** The type of each element of a list written as a YAML list, or null for a single value. */
    ValueType<String> element() {
        return element;
    }

    /** What a value must be, as error messages say it: {@code (expected: …)}. */
    String expected() {
        return expected;
    }

    /** The value of a setting; throws {@link BadValue} when its text is not one, or is out of range. */
    T parse(Setting setting) {
        T value = parser.parse(setting);
        if (value != null && !allowed.test(value)) {
            throw new BadValue();
        }
        return value;
    }

    /** Null when {@code value} is allowed, else what was expected. */
    String problem(T value) {
        return value == null || allowed.test(value) ? null : expected;
    }

    /** The value as a config file would write it ({@code 30s}, {@code true}, {@code ""} for none). */
    String format(T value) {
        return value == null ? "" : format.apply(value);
    }

    static ValueType<Integer> integer(int min, int max, String expected) {
        return new ValueType<>(expected, s -> (int) longValue(s, Integer.MIN_VALUE, Integer.MAX_VALUE),
                v -> v >= min && v <= max, String::valueOf);
    }

    static ValueType<Long> size(long min, long max, String expected) {
        return new ValueType<>(expected, s -> longValue(s, Long.MIN_VALUE, Long.MAX_VALUE),
                v -> v >= min && v <= max, String::valueOf);
    }

    static ValueType<Boolean> bool() {
        return new ValueType<>("true or false", s -> switch (s.value().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadValue();
        }, v -> true, String::valueOf);
    }

    /** A true or false that may be left blank ({@code null}: follow something else). */
    static ValueType<Boolean> optionalBool() {
        ValueType<Boolean> bool = bool();
        return new ValueType<>(bool.expected, s -> s.value().isBlank() ? null : bool.parser.parse(s), v -> true,
                String::valueOf);
    }

    static ValueType<Duration> duration() {
        return new ValueType<>(DURATION_EXPECTED, s -> {
            Duration d = parseDuration(s.value());
            if (d == null) {
                throw new BadValue();
            }
            return d;
        }, d -> !d.isZero() && !d.isNegative(), ValueType::formatDuration);
    }

    /** Text that is not blank, kept as written. */
    static ValueType<String> text(String expected) {
        return new ValueType<>(expected, Setting::value, v -> !v.isBlank(), v -> v);
    }

    /** Text that may be left out, but not set blank; trimmed. */
    static ValueType<String> optionalText() {
        return new ValueType<>("a non-empty text", s -> s.value().trim(), v -> !v.isBlank(), v -> v);
    }

    /** Trimmed text matching {@code shape}; blank means not set when {@code blankIsUnset}. */
    static ValueType<String> shaped(Pattern shape, String expected, boolean blankIsUnset) {
        return new ValueType<>(expected, s -> blankIsUnset && s.value().isBlank() ? null : s.value().trim(),
                v -> shape.matcher(v).matches(), v -> v);
    }

    static ValueType<URI> httpUrl() {
        return new ValueType<>(URL_EXPECTED, s -> {
            try {
                return new URI(s.value());
            } catch (URISyntaxException e) {
                throw new BadValue();
            }
        }, ValueType::isHttpUrl, URI::toString);
    }

    /** An HTTP URL, or blank for none. */
    static ValueType<Optional<URI>> optionalUrl() {
        ValueType<URI> url = httpUrl();
        return new ValueType<>(URL_EXPECTED, s -> s.value().isBlank() ? Optional.empty()
                : Optional.of(url.parse(s)), v -> v.isEmpty() || isHttpUrl(v.get()), v -> v.map(URI::toString).orElse(""));
    }

    /** An upstream's own {@code CONNECT} proxy: blank for the default one, {@code none}, or an HTTP URL. */
    static ValueType<String> proxyChoice() {
        ValueType<URI> url = httpUrl();
        return new ValueType<>(URL_EXPECTED, s -> {
            String text = s.value().trim();
            if (!text.isEmpty() && !text.equals("none")) {
                url.parse(s);
            }
            return text;
        }, v -> true, v -> v);
    }

    /**
     * One of an enum's constants, written in lowercase with {@code -} for the constant's {@code _}
     * ({@code OPENAI_CHAT} is {@code openai-chat}); {@code anyCase}: or in capitals.
     */
    static <E extends Enum<E>> ValueType<E> lowercase(Class<E> type, String expected, boolean anyCase) {
        return new ValueType<>(expected, s -> {
            String text = s.value().trim();
            if (!anyCase && !text.equals(text.toLowerCase(Locale.ROOT)) || text.indexOf('_') >= 0) {
                throw new BadValue();
            }
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new BadValue();
            }
        }, v -> true, v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * A YAML list of texts, each of type {@code element}. The list's own setting only says that a list
     * was given ({@code <list>}); its elements are settings of their own ({@code key[0]}, …).
     */
    static ValueType<List<String>> listOf(ValueType<String> element, String expected) {
        return new ValueType<>(expected, s -> {
            if (!s.value().equals(ConfigKeys.LIST_MARK)) {
                throw new BadValue();
            }
            return List.of();
        }, v -> v.stream().allMatch(e -> element.problem(e) == null), v -> String.join(", ", v), element);
    }

    /** Names separated by commas, blanks dropped. */
    static ValueType<List<String>> commaList() {
        return new ValueType<>("names separated by commas", s -> {
            List<String> names = new ArrayList<>();
            for (String name : s.value().split(",")) {
                if (!name.isBlank()) {
                    names.add(name.strip());
                }
            }
            return List.copyOf(names);
        }, v -> true, v -> String.join(", ", v));
    }

    /**
     * A PEM file of CA certificates, or blank for none; a relative path is relative to the config file that
     * names it. Read here, so a file that cannot serve as a trust store is refused with the configuration.
     */
    static ValueType<Optional<Path>> caFile() {
        return new ValueType<>("a readable PEM file of CA certificates", s -> {
            String text = s.value().trim();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Path path = relativeTo(s, text);
            try (InputStream in = Files.newInputStream(path)) {
                if (!CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                    return Optional.of(path);
                }
            } catch (IOException | CertificateException e) {
                // refused below
            }
            throw new BadValue();
        }, v -> true, v -> v.map(Path::toString).orElse(""));
    }

    /** {@code text} as a path, relative to the config file that set it when it is not absolute. */
    static Path relativeTo(Setting s, String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new BadValue();
        }
        Path file = s.source().file();
        if (!path.isAbsolute() && file != null && file.toAbsolutePath().getParent() != null) {
            path = file.toAbsolutePath().getParent().resolve(path);
        }
        return path;
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; null when it is none of these. */
    static Duration parseDuration(String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The shortest of {@code 1h}, {@code 5m}, {@code 30s}, {@code 500ms} that says {@code d}. */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        return ms == 0 ? "0s" : ms % 3_600_000 == 0 ? d.toHours() + "h" : ms % 60_000 == 0 ? d.toMinutes() + "m"
                : ms % 1000 == 0 ? d.toSeconds() + "s" : ms + "ms";
    }

    private static long longValue(Setting s, long min, long max) {
        try {
            long value = Long.parseLong(s.value().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadValue();
    }

    private static boolean isHttpUrl(URI url) {
        String scheme = url.getScheme();
        return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                && url.getHost() != null && url.getRawQuery() == null && url.getRawFragment() == null;
    }
}
