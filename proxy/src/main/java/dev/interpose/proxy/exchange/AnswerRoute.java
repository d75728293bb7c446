package dev.interpose.proxy.exchange;

import dev.interpose.proxy.dialect.translate.TranslatedCall;
import dev.interpose.proxy.error.ErrorKind;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The upstream's answer on its way to the {@link ResponseRelay}: as it came, or, for a request translated for
 * its upstream's API, through its {@link AnswerTranslator} first, so that the relay and all it feeds see the
 * client's API either way. What the translator makes goes on only while the exchange still streams (a cancel or
 * a timeout meanwhile drops it). On the exchange's event loop.
 */
final class AnswerRoute implements AnswerTranslator.Sink {
    private final Exchange exchange;
    private final ResponseRelay relay;
    private final UpstreamStages upstream;
    private final ExchangeTimers timers;
    /** Null when the request was not translated. */
    private final AnswerTranslator translator;

    AnswerRoute(Exchange exchange, ResponseRelay relay, UpstreamStages upstream, ExchangeTimers timers,
            TranslatedCall call) {
        this.exchange = exchange;
        this.relay = relay;
        this.upstream = upstream;
        this.timers = timers;
        this.translator = call == null ? null : new AnswerTranslator(call, this);
    }

    /** The upstream's head (the one to relay: its attempt is over). */
    void upstreamHead(HttpResponse head) {
        if (translator != null) {
            translator.head(head);
        } else {
            head(head);
        }
    }

    /** A piece of the upstream's body; released here or by the relay. */
    void upstreamContent(HttpContent content) {
        if (translator != null) {
            timers.touch(); // the relay may not have begun: a whole answer is read before it is translated
            translator.content(content);
        } else {
            relay.content(content);
        }
    }

    @Override
    public void head(HttpResponse head) {
        if (exchange.stage() == Stage.STREAMING) {
            relay.begin(head, upstream.channel(), null, upstream.routeOwn());
        }
    }

    @Override
    public void content(HttpContent content) {
        if (exchange.stage() == Stage.STREAMING) {
            relay.content(content);
        } else {
            content.release();
        }
    }

    @Override
    public void fail(ErrorKind kind, String message) {
        if (exchange.stage() == Stage.STREAMING) {
            exchange.fail(kind, message);
        }
    }
}
