/**
 * Translation between the model APIs, so that a client speaking one is served by an upstream speaking
 * another, every pair of the three: Claude Code (Messages) on an OpenAI-Chat-compatible model or on a
 * Responses model, Codex (Responses) on Claude or on a Chat model, and a Chat client on Claude or on a
 * Responses model. Pure code on Jackson trees and decoded events; no sockets, no buffers.
 *
 * <p>The interface the request path uses:
 * <ul>
 * <li>{@link dev.interpose.proxy.dialect.translate.Translation#of Translation.of(client, upstream)} gives the
 * translation of a pair of {@code ApiDialect}s ({@code supported} says whether there is one). Stateless and
 * thread-safe: one per route is enough.</li>
 * <li>{@code translation.request(bytes)} takes the client's uncompressed body, reads it as strictly as
 * {@code StrictJson} ({@code RawJson}: the long strings stay the client's bytes, {@code RawText}, and are
 * copied into the upstream's body undecoded), and returns a
 * {@link dev.interpose.proxy.dialect.translate.TranslatedCall}: {@code bodyBytes()} goes to the upstream's path
 * ({@code upstream().path()}), and the call remembers what the answer needs (the model asked for, which
 * tools were Codex's freeform ones). {@code request(tree)} does the same from a parsed request (left
 * untouched). The caller still owns the headers: the upstream's own credential, the
 * path, and which vendor headers to leave out are the route's business, not this package's.</li>
 * <li>A whole answer: {@code call.answer(upstreamJson)} is the client's JSON body.</li>
 * <li>A streamed answer: {@code call.events()} gives a new
 * {@link dev.interpose.proxy.dialect.translate.EventTranslator} for that response. Feed it each whole
 * upstream event as the proxy's SSE framing decodes it ({@code SseEvent}); it writes the client's events as
 * whole {@code text/event-stream} byte arrays at once, nothing buffered beyond the current event, and at the
 * upstream's end {@code end(out)} closes the client's grammar (or writes its error event when the upstream
 * stopped short).</li>
 * <li>An upstream error answer (status ≥ 400, before any byte went to the client):
 * {@code call.error(status, body)} is the client's status and error body.</li>
 * <li>{@code count_tokens} for an upstream that cannot count:
 * {@link dev.interpose.proxy.dialect.translate.TokenEstimate#countTokensAnswer} (an estimate; the caller says
 * so in a header).</li>
 * </ul>
 *
 * <p>What no target can hold is dropped cleanly rather than sent to be refused: Anthropic's thinking
 * signatures and server tools on the way to OpenAI, OpenAI's encrypted reasoning and hosted tools on the way
 * to Anthropic, {@code stop_sequences} to Responses. A Responses upstream's reasoning item rides in the
 * thinking block's signature and goes back to it on the next turn. Limits that another model may not allow
 * are set by {@link dev.interpose.proxy.dialect.translate.TranslationOptions}.
 *
 * <p>Inside, each direction is a class of its own ({@code MessagesToChatRequest}, {@code ChatToMessagesAnswer},
 * {@code ChatToMessagesEvents}…); stream directions are {@code EventStep}s on decoded events, which compose
 * (Responses on Chat is Chat to Messages, then Messages to Responses). Stream translators are per response
 * and confined to the exchange's event loop; everything else is stateless.
 */
package dev.interpose.proxy.dialect.translate;
