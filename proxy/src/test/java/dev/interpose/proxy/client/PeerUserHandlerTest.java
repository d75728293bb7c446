package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The handler alone: what arrives before the owner is known is held, never passed on; then the owner's
 * messages go on in order, another user's heads come out refused, and a client gone before the answer leaves
 * nothing behind.
 */
class PeerUserHandlerTest {
    private static final int SELF = 1000;
    /** The lookups handed to the executor, run when a test says so. */
    private final List<Runnable> lookups = new ArrayList<>();

    private EmbeddedChannel channel(int owner) {
        PeerUsers users = PeerUsers.of((client, listener) -> OptionalInt.of(owner), OptionalInt.of(SELF),
                lookups::add);
        return new EmbeddedChannel(new PeerUserHandler(users)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }

            @Override
            protected SocketAddress localAddress0() {
                return new InetSocketAddress("127.0.0.1", 10000);
            }
        };
    }

    private static HttpRequest head() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages");
    }

    private static LastHttpContent body() {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII));
    }

    private void answer(EmbeddedChannel channel) {
        lookups.forEach(Runnable::run);
        lookups.clear();
        channel.runPendingTasks();
    }

    @Test
    void theOwnersMessagesAreHeldThenPassedOnInOrder() {
        EmbeddedChannel channel = channel(SELF);
        channel.writeInbound(head(), body());
        assertThat((Object) channel.readInbound()).isNull();
        answer(channel);
        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        LastHttpContent content = channel.readInbound();
        assertThat(content.content().toString(StandardCharsets.US_ASCII)).isEqualTo("{}");
        content.release();
        assertThat(channel.pipeline().get(PeerUserHandler.class)).isNull();
        assertThat(channel.config().isAutoRead()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anotherUsersHeadsComeOutRefusedHeldOrNot() {
        EmbeddedChannel channel = channel(SELF + 1);
        channel.writeInbound(head(), body());
        answer(channel);
        channel.writeInbound(head(), body());
        for (int i = 0; i < 2; i++) {
            HttpRequest request = channel.readInbound();
            assertThat(request.decoderResult().cause()).isInstanceOfSatisfying(ProxyException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN);
                assertThat(e.getMessage()).isEqualTo("this proxy serves only its own user (uid 1000); connections "
                        + "from uid 1001 are refused (listener.allow-other-users)");
            });
            ((LastHttpContent) channel.readInbound()).release();
        }
        assertThat(channel.pipeline().get(PeerUserHandler.class)).isNotNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClientGoneBeforeTheAnswerLeavesNothingHeld() {
        EmbeddedChannel channel = channel(SELF);
        LastHttpContent content = body();
        ByteBuf bytes = content.content();
        channel.writeInbound(head(), content);
        channel.close();
        assertThat(bytes.refCnt()).isZero();
        answer(channel);
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }
}
