package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ChatApi;
import dev.interpose.proxy.dialect.MessagesApi;
import dev.interpose.proxy.dialect.ResponsesApi;

/**
 * The translations there are: Messages clients on Chat upstreams (Claude Code on an OpenAI-compatible model),
 * Messages clients on Responses upstreams (Claude Code on an OpenAI model), Responses clients on Messages
 * upstreams (Codex on Claude) and Responses clients on Chat upstreams (Codex on
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
        if (client instanceof ResponsesApi && upstream instanceof MessagesApi) {
            return new ResponsesOnMessages(client, upstream, options);
        }
        if (client instanceof MessagesApi && upstream instanceof ResponsesApi) {
            return new MessagesOnResponses(client, upstream, options);
        }
        if (client instanceof ResponsesApi && upstream instanceof ChatApi) {
            return new ResponsesOnChat(client, upstream, options);
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

    /** Claude Code on a Responses model. */
    private record MessagesOnResponses(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            String model = Json.text(body.path("model"));
            return new Call(MessagesToResponsesRequest.translate(body, options), body.path("stream").asBoolean(false),
                    answer -> ResponsesToMessagesAnswer.translate(answer, model),
                    () -> new Pipeline(new ResponsesToMessagesEvents(model)), ErrorTranslation::toMessages);
        }
    }

    /** Codex on Claude. */
    private record ResponsesOnMessages(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            ResponsesToMessagesRequest.Result request = ResponsesToMessagesRequest.translate(body, options);
            ResponsesShape shape = request.shape();
            return new Call(request.body(), body.path("stream").asBoolean(false),
                    answer -> MessagesToResponsesAnswer.translate(answer, shape),
                    () -> new Pipeline(new MessagesToResponsesEvents(shape)), ErrorTranslation::toOpenAi);
        }
    }

    /** Codex on a Chat model: Responses to Messages to Chat, and back. */
    private record ResponsesOnChat(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            ResponsesToMessagesRequest.Result messages = ResponsesToMessagesRequest.translate(body, options);
            ObjectNode pivot = messages.body();
            if (!body.path("max_output_tokens").isNumber()) {
                pivot.remove("max_tokens"); // a Chat upstream needs no limit: the model's own applies
            }
            ResponsesShape shape = messages.shape();
            String model = Json.text(body.path("model"));
            return new Call(MessagesToChatRequest.translate(pivot, options), body.path("stream").asBoolean(false),
                    answer -> MessagesToResponsesAnswer.translate(ChatToMessagesAnswer.translate(answer, model), shape),
                    () -> new Pipeline(new ChatToMessagesEvents(model), new MessagesToResponsesEvents(shape)),
                    (status, error) -> {
                        ErrorReply anthropic = ErrorTranslation.toMessages(status, error);
                        return ErrorTranslation.toOpenAi(anthropic.status(), anthropic.body());
                    });
        }
    }
}
