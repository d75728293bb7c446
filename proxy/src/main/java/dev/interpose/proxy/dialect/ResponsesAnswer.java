package dev.interpose.proxy.dialect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An OpenAI Responses answer: each output item arrives whole in {@code response.output_item.done} (a message
 * with its {@code output_text} parts, or a tool call), and the final {@code response.completed} (or
 * {@code .incomplete}, {@code .failed}) carries the status and usage. A whole body is that response object.
 * The many {@code *.delta} events repeat what the whole items carry, so their data is not wanted.
 */
final class ResponsesAnswer extends AnswerAssembler {
    @Override
    public boolean wants(String event) {
        return event == null || !event.endsWith(".delta");
    }

    @Override
    void event(JsonNode event) {
        String type = event.path("type").asText();
        if ("response.output_item.done".equals(type)) {
            outputItem(event.path("output_index").asInt(), event.path("item"));
        } else if ("response.completed".equals(type) || "response.incomplete".equals(type)
                || "response.failed".equals(type)) {
            JsonNode response = event.path("response");
            model = textOr(response.path("model"), model);
            status(response);
            mergeUsage(response.path("usage"));
            if ("response.failed".equals(type)) {
                error(response.path("error").isObject() ? response.path("error")
                        : JSON.createObjectNode().put("type", "server_error"));
            }
        } else if ("error".equals(type)) {
            error(event.path("error").isObject() ? event.path("error") : event);
        } else if ("response.created".equals(type)) {
            model = textOr(event.path("response").path("model"), model);
        }
    }

    @Override
    void body(JsonNode response) {
        if (response.path("error").isObject()) {
            error(response.path("error")); // an error body, or a failed response
        }
        model = textOr(response.path("model"), model);
        int i = 0;
        for (JsonNode item : response.path("output")) {
            outputItem(i++, item);
        }
        status(response);
        mergeUsage(response.path("usage"));
    }

    /** The status, with the reason an incomplete answer stopped after a colon. */
    private void status(JsonNode response) {
        String status = response.path("status").asText(null);
        String why = response.path("incomplete_details").path("reason").asText(null);
        if (status != null) {
            stopReason = why == null ? status : status + ":" + why;
        }
    }

    private void outputItem(int index, JsonNode item) {
        String type = item.path("type").asText();
        if ("message".equals(type)) {
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) {
                    text.append(part.path("text").asText());
                }
            }
        } else if (ResponsesApi.isCall(item)) {
            Call call = new Call();
            call.id = item.path("call_id").asText(null);
            call.name = ResponsesApi.toolName(item);
            call.parsed = ResponsesApi.callInput(item);
            calls.put(index, call);
        }
    }
}
