package dev.interpose.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link ValueType}s of an upstream's credential and header keys: {@code api-key-env}, {@code api-key-file},
 * {@code headers.add} and {@code headers.remove}. Stateless.
 */
final class UpstreamValueTypes {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER_LINE = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+)\\s*:\\s*([^\\r\\n]*)");
    /** Headers the proxy frames or sets itself. */
    private static final List<String> FRAMING = List.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "te", "trailer", "upgrade", "expect");
    /** Parts of a header name that make it a credential, kept out of the config's headers (and so of config show). */
    private static final List<String> CREDENTIAL_MARKS = List.of("key", "token", "auth", "secret", "password",
            "passwd", "cookie", "credential");

    private UpstreamValueTypes() {
    }

    /** The name of an environment variable, or blank for none. */
    static ValueType<String> envName() {
        return ValueType.of("the name of an environment variable, such as DEEPSEEK_API_KEY",
                s -> s.value().trim(), v -> v.isEmpty() || ENV_NAME.matcher(v).matches(), v -> v);
    }

    /**
     * A file, or blank for none; a relative path is relative to the config file that names it. Only the path is
     * read here: the loader reads the file, so what it holds appears in no message.
     */
    static ValueType<Optional<Path>> secretFile() {
        return ValueType.of("a readable file holding the key (relative to the config file)", s -> {
            String text = s.value().trim();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(ValueType.relativeTo(s, text));
        }, v -> true, v -> v.map(Path::toString).orElse(""));
    }

    /** A header the upstream is sent: {@code Name: value}, never a credential nor one the proxy frames itself. */
    static ValueType<String> headerLine() {
        String expected = "a header written Name: value, not a credential (give a key with api-key-env or"
                + " api-key-file) nor one the proxy sets itself (" + String.join(", ", FRAMING) + ")";
        return ValueType.of(expected, s -> s.value().trim(), v -> {
            Matcher m = HEADER_LINE.matcher(v);
            return m.matches() && headerAllowed(m.group(1));
        }, v -> v);
    }

    /** A header name the upstream is not sent. */
    static ValueType<String> headerName() {
        return ValueType.of("a header name such as x-foo", s -> s.value().trim(),
                v -> TOKEN.matcher(v).matches(), v -> v);
    }

    private static boolean headerAllowed(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !FRAMING.contains(lower) && CREDENTIAL_MARKS.stream().noneMatch(lower::contains);
    }
}
