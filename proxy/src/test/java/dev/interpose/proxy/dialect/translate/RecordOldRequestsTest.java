package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecordOldRequestsTest {
    @Test
    void record() throws Exception {
        StringBuilder out = new StringBuilder();
        for (RecordedTranslationTest.Case c : RecordedTranslationTest.cases()) {
            ObjectNode expected;
            if (c.client() == ApiDialect.RESPONSES) {
                ObjectNode pivot = ResponsesToMessagesRequest.translate(c.request(), c.options()).body();
                if (!c.request().path("max_output_tokens").isNumber()) {
                    pivot.remove("max_tokens");
                }
                expected = OldMessagesToChatRequest.translate(pivot, c.options());
            } else if (c.upstream() == ApiDialect.CHAT) {
                expected = OldMessagesToChatRequest.translate(c.request(), c.options());
            } else {
                expected = OldMessagesToResponsesRequest.translate(c.request(), c.options());
            }
            out.append(c.name()).append('\t').append(RecordedTranslationTest.sha256(expected)).append('\n');
        }
        Files.writeString(Path.of("src/test/resources" + RecordedTranslationTest.RECORDED), out);
    }
}
