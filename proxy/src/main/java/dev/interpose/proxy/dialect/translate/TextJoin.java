package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts joined into one JSON string, as {@code StringBuilder} would join them (the separator goes before a
 * part only when what is joined so far is not empty) but without decoding the {@link RawText}s among them:
 * one part comes back as it is, several become one {@code RawText} of their JSON texts copied end to end.
 * A translated request's big strings (a system prompt, a file a tool read) so go from the client's bytes to
 * the upstream's without being decoded or escaped again. Per use, on one thread.
 */
final class TextJoin {
    private static final byte[] QUOTE = {'"'};

    private final TextNode separator;
    private final List<JsonNode> parts = new ArrayList<>(2);
    private boolean empty = true;

    TextJoin(String separator) {
        this.separator = TextNode.valueOf(separator);
    }

    /** Appends a string node ({@link TextNode} or {@link RawText}), after the separator unless nothing is here yet. */
    TextJoin add(JsonNode text) {
        if (!empty && !separator.textValue().isEmpty()) {
            parts.add(separator);
        }
        parts.add(text);
        empty &= Json.isEmptyText(text);
        return this;
    }

    /** Appends a plain string. */
    TextJoin add(String text) {
        return add(TextNode.valueOf(text));
    }

    boolean isEmpty() {
        return empty;
    }

    /** The joined string, "" when nothing was added. */
    JsonNode node() {
        if (parts.isEmpty()) {
            return TextNode.valueOf("");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        boolean plain = true;
        for (JsonNode part : parts) {
            plain &= !(part instanceof RawText);
        }
        if (plain) {
            StringBuilder text = new StringBuilder();
            parts.forEach(part -> text.append(part.textValue()));
            return TextNode.valueOf(text.toString());
        }
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        out.write(QUOTE);
        for (JsonNode part : parts) {
            if (part instanceof RawText) {
                ((RawText) part).appendInside(out);
            } else {
                out.write(JsonStringEncoder.getInstance().quoteAsUTF8(part.textValue()));
            }
        }
        out.write(QUOTE);
        byte[] joined = out.toByteArray();
        return new RawText(joined, 0, joined.length);
    }
}
