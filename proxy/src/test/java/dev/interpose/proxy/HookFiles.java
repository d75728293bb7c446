package dev.interpose.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Test scaffolding for hooks: writing hook scripts, reading the events of an SSE body. */
public final class HookFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HookFiles() {
    }

    /** Writes an executable hook script into {@code project/.interpose/hooks/}. */
    public static Path script(Path project, String name, String... lines) {
        try {
            Path file = project.resolve(".interpose/hooks").resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON data of each event of a server-sent-events body, in order. */
    public static List<JsonNode> events(String sse) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                try {
                    out.add(JSON.readTree(line.substring(6)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }
}
