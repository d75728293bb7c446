package dev.interpose.commands;

import dev.interpose.config.CommandsConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a command's expanded text names with {@code @path}: each project file read and put between
 * {@code <file path="…">} tags, to be attached to the turn while the text keeps the mention, as Claude Code
 * does; a note for one refused (absolute, outside the project directory through {@code ..} or a symbolic
 * link, not a file, over {@code commands.max-include-bytes}, not UTF-8); nothing for a name that is no file
 * ({@code @agent-name}). Blocks (file reads): off the event loop. Thread-safe.
 */
final class Attachments {
    private static final Pattern MENTION = Pattern.compile("(?<=^|\\s)@([^\\s]+)");

    private final Path projectDir;
    private final CommandsConfig config;

    Attachments(Path projectDir, CommandsConfig config) {
        this.projectDir = projectDir;
        this.config = config;
    }

    /** The files the expanded text names with {@code @path}, and notes for those refused. */
    List<String> of(String text, int[] counts) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            String attachment = include(m.group(1), counts, seen);
            if (attachment != null) {
                out.add(attachment);
            }
        }
        return out;
    }

    /** The file a mention names, between tags; a note when it is refused; null when it names no file. */
    private String include(String token, int[] counts, java.util.Set<String> seen) {
        String path = token;
        while (!path.isEmpty() && ".,;:!?)\"'`".indexOf(path.charAt(path.length() - 1)) >= 0) {
            path = path.substring(0, path.length() - 1); // sentence punctuation after the path
        }
        if (path.isEmpty() || !seen.add(path)) {
            return null;
        }
        String refusal = refuseInclude(path);
        if (refusal == NO_SUCH_FILE) {
            return null; // @agent-name, @someone: left as written
        }
        if (refusal != null) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: " + refusal + "]";
        }
        Path file = projectDir.resolve(path).normalize();
        try {
            byte[] bytes = readCapped(file);
            if (bytes == null) {
                counts[2]++;
                return "[Interpose: @" + path + " was not included: it changed while it was read]";
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            counts[0]++;
            return "<file path=\"" + path + "\">\n" + text + (text.endsWith("\n") ? "" : "\n") + "</file>";
        } catch (CharacterCodingException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: it is not UTF-8 text]";
        } catch (IOException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: cannot read it (" + e.getMessage() + ")]";
        }
    }

    /**
     * The file's bytes, read from its real path without following a link at the end and never more than the
     * cap; null when it is no longer inside the project or grew past the cap since it was checked.
     */
    private byte[] readCapped(Path file) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(projectDir.toRealPath())) {
            return null;
        }
        try (java.io.InputStream in = Files.newInputStream(real, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(config.maxIncludeBytes() + 1);
            return bytes.length > config.maxIncludeBytes() ? null : bytes;
        }
    }

    private static final String NO_SUCH_FILE = "no such file in the project directory";

    /** Why an include is refused ({@link #NO_SUCH_FILE} when there is no such file), or null to read it. */
    private String refuseInclude(String path) {
        Path file;
        try {
            if (path.startsWith("/") || path.startsWith("~") || Path.of(path).isAbsolute()) {
                return "absolute paths are not allowed; name a file inside the project directory";
            }
            file = projectDir.resolve(path).normalize();
        } catch (InvalidPathException e) {
            return "not a valid path";
        }
        if (!file.startsWith(projectDir)) {
            return "it is outside the project directory";
        }
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return NO_SUCH_FILE;
        }
        try {
            if (!file.toRealPath().startsWith(projectDir.toRealPath())) {
                return "it links outside the project directory";
            }
            if (!Files.isRegularFile(file)) {
                return "not a file";
            }
            if (Files.size(file) > config.maxIncludeBytes()) {
                return "larger than " + config.maxIncludeBytes() + " bytes (commands.max-include-bytes)";
            }
        } catch (IOException e) {
            return "cannot read it (" + e.getMessage() + ")";
        }
        return null;
    }
}
