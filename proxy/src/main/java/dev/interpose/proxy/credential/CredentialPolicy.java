package dev.interpose.proxy.credential;

import dev.interpose.config.Dialect;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.cache.CallerDigest;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * What happens to a request's credentials on the way to one upstream. The client's credential belongs to the
 * vendor of the API it came in on: an Anthropic one ({@code x-api-key}, Claude Code's OAuth bearer) to Anthropic,
 * an OpenAI one ({@code Bearer sk-…}, a ChatGPT bearer with {@code chatgpt-account-id}) to OpenAI. In order:
 * <ol>
 *   <li>an upstream with a key of its own gets that key and none of the client's credentials ({@link
 *       Decision#OWN_KEY});</li>
 *   <li>a request that carries no credential is forwarded as it is: there is nothing to leak; so is one to an
 *       upstream the user said expects the client's own ({@code headers.forward-client-credentials});</li>
 *   <li>an upstream of a model vendor ({@link Vendor#hostOf}) gets the client's credential when it is that
 *       vendor's, and the request is refused otherwise;</li>
 *   <li>a loopback upstream gets it when it speaks the client's family of API (a local server or a test
 *       double standing in for the vendor), and the request without it otherwise;</li>
 *   <li>any other host (a third party) without its own key is refused: the user's key is not handed to it.</li>
 * </ol>
 * "Credential" means every header {@link CallerDigest#identifies} (the keys, cookies and account headers).
 * Stateless.
 */
public final class CredentialPolicy {
    /** What the request's credentials do. */
    public enum Decision {
        /** The client's headers go as they came. */
        FORWARD,
        /** The client's credentials are taken off; the request goes without any. */
        STRIP,
        /** The client's credentials are taken off and the upstream's own key is sent. */
        OWN_KEY,
        /** Not sent: the client's credential was meant for another vendor. */
        REFUSE
    }

    private CredentialPolicy() {
    }

    /**
     * @param client  the family of the client's API, whose vendor the credential is meant for
     * @param headers the client's request headers
     */
    public static Decision decide(Dialect client, UpstreamConfig upstream, HttpHeaders headers) {
        if (upstream.apiKey().isPresent()) {
            return Decision.OWN_KEY;
        }
        if (!carriesCredential(headers) || upstream.headers().forwardClientCredentials()) {
            return Decision.FORWARD;
        }
        Vendor host = Vendor.hostOf(upstream);
        Vendor meantFor = Vendor.of(client);
        if (host.isModelVendor()) {
            return host == meantFor ? Decision.FORWARD : Decision.REFUSE;
        }
        if (host == Vendor.LOCAL) {
            return Vendor.of(upstream.dialect()) == meantFor ? Decision.FORWARD : Decision.STRIP;
        }
        return Decision.REFUSE;
    }

    /** The message of a refusal: whose credential, which upstream, and the key to configure. Names no secret. */
    public static String refusal(Dialect client, UpstreamConfig upstream) {
        String vendor = client.family() == Dialect.ANTHROPIC ? "Anthropic" : "OpenAI";
        String name = upstream.name();
        return "this request carries an " + vendor + " credential, which the proxy does not send to upstream "
                + name + " (" + upstream.url().getHost() + "): give the upstream a key of its own with upstreams."
                + name + ".api-key-env (or api-key-file), or, for a gateway that expects the client's own key, "
                + "set upstreams." + name + ".headers.forward-client-credentials: true";
    }

    /** Whether any header is a credential or names an account. */
    static boolean carriesCredential(HttpHeaders headers) {
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            if (CallerDigest.identifies(it.next().getKey())) {
                return true;
            }
        }
        return false;
    }
}
