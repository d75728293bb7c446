package dev.interpose.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML (or JSON) config file into flat {@link Setting}s, each with the line and column of its
 * value. List elements are indexed ({@code routes[0].upstream}). Structure is not judged here;
 * {@link ConfigLoader} validates keys and values.
 */
public final class ConfigFile {
    // A key written twice (two upstreams of one name) is an error with its position, not "last one wins".
    private static final YAMLFactory YAML = (YAMLFactory) new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigFile() {
    }

    /**
     * The settings in {@code file}, in file order.
     *
     * @throws ConfigException when the file cannot be read or is not valid YAML
     */
    public static List<Setting> read(Path file) throws ConfigException {
        List<Setting> out = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(Files.newBufferedReader(file))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return out; // an empty file configures nothing
            }
            if (first != JsonToken.START_OBJECT) {
                throw problem(file, parser.currentTokenLocation(), "the file must be a mapping of keys to values");
            }
            walk(parser, "", file, out);
            return out;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String reason = e.getOriginalMessage();
            throw new ConfigException(List.of(file + ":" + (at == null ? 0 : at.getLineNr()) + ":"
                    + (at == null ? 0 : at.getColumnNr()) + ": not valid YAML: " + reason));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
        }
    }

    private static void walk(JsonParser parser, String prefix, Path file, List<Setting> out) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
            value(parser, parser.nextToken(), key, file, out);
        }
    }

    /** One value: a scalar as its text, a section walked, a list's elements indexed, anything else marked. */
    private static void value(JsonParser parser, JsonToken value, String key, Path file, List<Setting> out)
            throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        Setting.Source source = Setting.Source.file(file, at.getLineNr(), at.getColumnNr());
        if (value == JsonToken.START_OBJECT) {
            if (ConfigKeys.isLeaf(key) || ConfigKeys.isList(key)) {
                out.add(new Setting(key, ConfigKeys.MAPPING_MARK, source));
                parser.skipChildren();
            } else {
                walk(parser, key, file, out);
            }
        } else if (value == JsonToken.START_ARRAY) {
            out.add(new Setting(key, ConfigKeys.LIST_MARK, source));
            if (ConfigKeys.isList(key)) {
                int index = 0;
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                    value(parser, element, key + "[" + index++ + "]", file, out);
                }
            } else {
                parser.skipChildren();
            }
        } else if (value == JsonToken.VALUE_NULL) {
            out.add(new Setting(key, "", source));
        } else {
            out.add(new Setting(key, parser.getText(), source));
        }
    }

    private static ConfigException problem(Path file, JsonLocation at, String message) {
        return new ConfigException(List.of(file + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + message));
    }
}
