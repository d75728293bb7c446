package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.ApiDialect;

/**
 * How a client that speaks one API is served by an upstream that speaks another: {@link #request} turns the
 * client's request body into the upstream's and hands back a {@link TranslatedCall}, which knows what the
 * request asked for and turns the upstream's answer (whole, streamed or an error) back into the client's.
 * Stateless and thread-safe; {@link #of} gives the translation of a pair of APIs.
 */
public interface Translation {
    /** The API the client speaks. */
    ApiDialect client();

    /** The API the upstream speaks. */
    ApiDialect upstream();

    /** The upstream's request for the client's {@code body}, which is left as it is. */
    TranslatedCall request(ObjectNode body);

    /**
     * The upstream's request for the client's uncompressed JSON body {@code bytes}, read as strictly as
     * {@link dev.interpose.proxy.body.StrictJson} reads it, its long strings copied to the upstream's body
     * without being decoded.
     *
     * @throws UnreadableBodyException when the bytes are not one JSON object, as StrictJson words it
     */
    default TranslatedCall request(byte[] bytes) throws UnreadableBodyException {
        return request(RawJson.object(bytes));
    }

    /** Whether a client speaking {@code client} can be served by an upstream speaking {@code upstream}. */
    static boolean supported(ApiDialect client, ApiDialect upstream) {
        return Translations.find(client, upstream, TranslationOptions.DEFAULTS) != null;
    }

    /** The translation of that pair with the default options; an {@link IllegalArgumentException} when none. */
    static Translation of(ApiDialect client, ApiDialect upstream) {
        return of(client, upstream, TranslationOptions.DEFAULTS);
    }

    /** The translation of that pair; an {@link IllegalArgumentException} when there is none. */
    static Translation of(ApiDialect client, ApiDialect upstream, TranslationOptions options) {
        Translation found = Translations.find(client, upstream, options);
        if (found == null) {
            throw new IllegalArgumentException("no translation from " + client + " to " + upstream);
        }
        return found;
    }
}
