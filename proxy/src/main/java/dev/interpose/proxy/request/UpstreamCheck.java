package dev.interpose.proxy.request;

import dev.interpose.proxy.credential.CredentialPolicy;
import dev.interpose.proxy.dialect.translate.Translation;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.exchange.RequestInfo;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The last look before a request's exchange, on its final route: a request its upstream cannot read (another
 * API, which the proxy does not translate yet) or whose credential is meant for another vendor
 * ({@link CredentialPolicy}) is answered in the client's dialect instead of being sent. Stateless, on the loop.
 */
final class UpstreamCheck {
    /** Why a request is not sent. */
    record Refusal(ErrorKind kind, String message) {
    }

    private UpstreamCheck() {
    }

    /** The reason the request may not go to its route's upstream, or null when it may. */
    static Refusal of(RequestInfo info, HttpHeaders headers) {
        var upstream = info.route().upstream();
        if (info.needsTranslation() && !Translation.supported(info.dialect(), info.upstreamDialect())) {
            String client = info.dialect().configDialect().configName();
            return new Refusal(ErrorKind.TRANSLATION_UNAVAILABLE, "route " + info.route().name() + " sends this "
                    + client + " request to upstream " + upstream.name() + ", which speaks "
                    + info.upstreamDialectName() + "; the proxy does not translate " + client + " to "
                    + info.upstreamDialectName());
        }
        if (CredentialPolicy.decide(info.route().dialect(), upstream, headers) == CredentialPolicy.Decision.REFUSE) {
            return new Refusal(ErrorKind.CREDENTIAL_NOT_FORWARDED,
                    CredentialPolicy.refusal(info.route().dialect(), upstream));
        }
        return null;
    }
}
