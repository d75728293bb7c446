package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ChatApi;
import dev.interpose.proxy.dialect.MessagesApi;
import dev.interpose.proxy.dialect.ResponsesApi;

/**
 * The translations there are: Messages clients on Chat upstreams (Claude Code on an OpenAI-compatible model),
 * Messages clients on Responses upstreams (Claude Code on an OpenAI model), Responses clients on Messages
 * upstreams (Codex on Claude), Chat clients on Messages upstreams (any OpenAI-compatible tool on Claude),
 * and, through Messages as the common ground, Responses clients on Chat upstreams (Codex on an
 * OpenAI-compatible model) and Chat clients on Responses upstreams.
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
        if (client instanceof ChatApi && upstream instanceof MessagesApi) {
            return new ChatOnMessages(client, upstream, options);
        }
        if (client instanceof ChatApi && upstream instanceof ResponsesApi) {
            return new ChatOnResponses(client, upstream, options);
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
            String id = Ids.newMessage();
            return new Call(MessagesToChatRequest.translate(body, options), body.path("stream").asBoolean(false),
                    answer -> ChatToMessagesAnswer.translate(answer, model, id),
                    () -> new Pipeline(new ChatToMessagesEvents(model, id)), ErrorTranslation::toMessages);
        }
    }

    /** Claude Code on a Responses model. */
    private record MessagesOnResponses(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            String model = Json.text(body.path("model"));
            String id = Ids.newMessage();
            return new Call(MessagesToResponsesRequest.translate(body, options), body.path("stream").asBoolean(false),
                    answer -> ResponsesToMessagesAnswer.translate(answer, model, id),
                    () -> new Pipeline(new ResponsesToMessagesEvents(model, id)), ErrorTranslation::toMessages);
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
                    Translations::openAiErrorOfChained);
        }
    }

    /** An OpenAI-compatible client on Claude. */
    private record ChatOnMessages(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            String model = Json.text(body.path("model"));
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            long created = System.currentTimeMillis() / 1000;
            return new Call(ChatToMessagesRequest.translate(body, options), body.path("stream").asBoolean(false),
                    answer -> MessagesToChatAnswer.translate(answer, model, created),
                    () -> new Pipeline(new MessagesToChatEvents(model, usage, created)), ErrorTranslation::toOpenAi);
        }
    }

    /** An OpenAI-compatible client on a Responses model: Chat to Messages to Responses, and back. */
    private record ChatOnResponses(ApiDialect client, ApiDialect upstream, TranslationOptions options)
            implements Translation {
        @Override
        public TranslatedCall request(ObjectNode body) {
            String model = Json.text(body.path("model"));
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            long created = System.currentTimeMillis() / 1000;
            ObjectNode pivot = ChatToMessagesRequest.translate(body, options);
            if (!body.path("max_tokens").isNumber() && !body.path("max_completion_tokens").isNumber()) {
                pivot.remove("max_tokens"); // a Responses upstream needs no limit: the model's own applies
            }
            return new Call(MessagesToResponsesRequest.translate(pivot, options), body.path("stream").asBoolean(false),
                    answer -> MessagesToChatAnswer.translate(ResponsesToMessagesAnswer.translate(answer, model), model, created),
                    () -> new Pipeline(new ResponsesToMessagesEvents(model), new MessagesToChatEvents(model, usage, created)),
                    Translations::openAiErrorOfChained);
        }
    }

    /** An OpenAI client's error for the upstream error of a chain through Messages: the Messages error, then OpenAI's. */
    private static ErrorReply openAiErrorOfChained(int status, byte[] error) {
        ErrorReply anthropic = ErrorTranslation.toMessages(status, error);
        return ErrorTranslation.toOpenAi(anthropic.status(), anthropic.body());
    }
}
