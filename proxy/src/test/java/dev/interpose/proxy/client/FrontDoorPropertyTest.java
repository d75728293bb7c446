package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.ListenerConfig;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The front door's checks on arbitrary heads: they never throw, a refused name is never one of the
 * listener's, and no target with a dot segment or a control character gets through.
 */
class FrontDoorPropertyTest {
    private static final ListenerConfig LISTENER = new ListenerConfig("127.0.0.1", 10000, 65536, 1 << 20,
            List.of("proxy.lan"), List.of("https://good.example"), ListenerConfig.DEFAULT_REQUEST_TIMEOUT);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10000);

    @Provide
    Arbitrary<String> hosts() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzLOCAHST0123456789.-:[]")
                .ofMaxLength(30);
        Arbitrary<String> near = Arbitraries.of("localhost", "proxy.lan", "127.0.0.1", "[::1]", "localhost.evil",
                "evil.localhost", "127.0.0.1.evil", "proxy.lan.evil", "[::1].evil", "999.0.0.1", "127.1", "[::ffff:1]")
                .flatMap(h -> Arbitraries.of("", ":10000", ":", ":99999", "x").map(h::concat));
        return Arbitraries.oneOf(names, near);
    }

    @Property
    void aHostIsAcceptedOnlyWhenItNamesThisListener(@ForAll("hosts") String host) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        request.headers().set("host", host);
        ProxyException refusal = FrontDoorHandler.check(request, LOCAL, LISTENER);
        String name = host.toLowerCase(Locale.ROOT).replaceFirst(":[0-9]{0,5}$", "");
        boolean ours = List.of("localhost", "localhost.", "proxy.lan", "127.0.0.1", "[::1]",
                "[0:0:0:0:0:0:0:1]").contains(name) || name.matches("\\[(0{0,4}:){2,7}0{0,3}1]")
                || name.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
                && java.util.Arrays.stream(name.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        if (refusal == null) {
            assertThat(ours).as("accepted Host %s", host).isTrue();
        } else {
            assertThat(refusal.kind()).isIn(ErrorKind.FORBIDDEN, ErrorKind.BAD_REQUEST);
        }
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(".", "..", "%2e", "%2E.", ".%2e", "v1", "messages",
                "", "a.b", "..."), Arbitraries.strings().withCharRange((char) 0, (char) 0x80).ofMaxLength(4));
        return segment.list().ofMaxSize(5).map(parts -> "/" + String.join("/", parts));
    }

    @Property
    void noTargetWithADotSegmentOrAControlCharacterGetsThrough(@ForAll("targets") String target) {
        // As the decoder hands it over: Netty's constructor would refuse some of these targets itself.
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/") {
            @Override
            public String uri() {
                return target;
            }
        };
        request.headers().set("host", "localhost");
        ProxyException refusal = FrontDoorHandler.check(request, LOCAL, LISTENER);
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        boolean dots = java.util.Arrays.stream(path.split("/", -1))
                .map(s -> s.toLowerCase(Locale.ROOT).replace("%2e", "."))
                .anyMatch(s -> s.equals(".") || s.equals(".."));
        boolean control = target.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f);
        if (dots || control) {
            assertThat(refusal).as("target %s", target).isNotNull();
            assertThat(refusal.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
        } else {
            assertThat(refusal).as("target %s", target).isNull();
        }
    }
}
