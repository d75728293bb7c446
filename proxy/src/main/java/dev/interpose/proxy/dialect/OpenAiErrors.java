package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.interpose.proxy.error.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The error body both OpenAI APIs' clients parse: {@code {"error":{"message","type","param","code"}}}. */
final class OpenAiErrors {
    private static final JsonFactory JSON = new JsonFactory();

    private OpenAiErrors() {
    }

    static byte[] body(ErrorKind kind, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", kind.status() < 500 ? "invalid_request_error" : "server_error");
            g.writeNullField("param");
            g.writeStringField("code", kind.code());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
