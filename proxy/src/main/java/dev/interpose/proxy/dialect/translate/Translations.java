package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ChatApi;
import dev.interpose.proxy.dialect.MessagesApi;

/**
 * The translations there are: Messages clients on Chat upstreams (Claude Code on an OpenAI-compatible model),
 * Responses clients on Messages upstreams (Codex on Claude) and Responses clients on Chat upstreams (Codex on
 * an OpenAI-compatible model: through Messages, the Messages request and events being the common ground).
 * Stateless.
 */
final class Translations {
    private Translations() {
    }

    static Translation find(ApiDialect client, ApiDialect upstream, TranslationOptions options) {
        if (client instanceof MessagesApi && upstream instanceof ChatApi) {
            return new MessagesOnChat(client, upstream, options);
        }
        return null;
    }

    /** Claude Code on a Chat model. */
    private record MessagesOnChat(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            String model = Json.text(body.path("model"));
            return new Call(MessagesToChatRequest.translate(body, options), body.path("stream").asBoolean(false),
                    answer -> ChatToMessagesAnswer.translate(answer, model),
                    () -> new Pipeline(new ChatToMessagesEvents(model)), ErrorTranslation::toMessages);
        }
    }
}
