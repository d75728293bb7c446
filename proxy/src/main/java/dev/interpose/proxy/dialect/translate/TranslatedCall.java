package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One translated request and what its answer needs to be translated back: the body to send upstream, and,
 * for the upstream's answer, the client's whole body, a fresh per-response stream translator, or the
 * client's error. Immutable and thread-safe; the stream translators it hands out are not.
 */
public interface TranslatedCall {
    /** The body to send to the upstream (a new tree, the caller's to keep). */
    ObjectNode body();

    /** The body to send to the upstream as JSON bytes (not to be changed). */
    byte[] bodyBytes();

    /** Whether the client asked for a streamed answer (and the upstream was asked for one). */
    boolean streaming();

    /** The client's answer for the upstream's whole (not streamed) answer body. */
    ObjectNode answer(ObjectNode upstreamAnswer);

    /** A new translator for the events of one streamed answer. */
    EventTranslator events();

    /** The client's error (status and body) for an upstream error answer with that status and body. */
    ErrorReply error(int status, byte[] body);
}
