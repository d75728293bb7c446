package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call's arguments as the OpenAI APIs send them: a JSON text, read as the value it holds. */
public final class Arguments {
    private Arguments() {
    }

    /** The value a JSON text holds; anything that is not a string, or not JSON, as it is. */
    public static JsonNode parse(JsonNode arguments) {
        if (!arguments.isTextual()) {
            return arguments;
        }
        try {
            return Parts.JSON.readTree(arguments.asText());
        } catch (java.io.IOException e) {
            return arguments;
        }
    }

    /** The value of the text {@code accumulated} from a stream's argument deltas ({@code {}} when there were none). */
    public static JsonNode parse(CharSequence accumulated) {
        return parse(Parts.JSON.getNodeFactory().textNode(accumulated.length() == 0 ? "{}" : accumulated.toString()));
    }
}
