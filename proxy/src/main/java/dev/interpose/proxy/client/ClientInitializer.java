package dev.interpose.proxy.client;

import dev.interpose.config.ListenerConfig;
import dev.interpose.proxy.body.Limits;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of each client connection: the slow-client timer, HTTP/1.1 codec with the header limit, the
 * front-door checks of each head (host, origin, framing, target), the request aggregator with the body limit,
 * and the client handler. No compressor or aggregator ever sits on the response path.
 */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    
    private final ServerContext server;
    private final ChannelGroup clients;
    private final PeerUsers users;

    /**
     * @param clients every open client connection, closed together when the server stops
     * @param users   the check that a loopback client is this proxy's own user
     */
    public ClientInitializer(ServerContext server, ChannelGroup clients, PeerUsers users) {
        this.server = server;
        this.clients = clients;
        this.users = users;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        ListenerConfig listener = server.snapshot().config().listener(); // limits apply per connection
        RequestTimeoutHandler timer = new RequestTimeoutHandler(listener.requestTimeout());
        LocalAnswers local = new LocalAnswers(server);
        ClientHandler handler = new ClientHandler(server, local, timer);
        ch.pipeline()
                .addLast("timeout", timer)
                .addLast("http", new HttpServerCodec(Limits.REQUEST_LINE_BYTES, listener.maxHeaderBytes(),
                        Limits.REQUEST_CHUNK_BYTES))
                .addLast("front-door", new FrontDoorHandler(() -> server.snapshot().config().listener()))
                .addLast("aggregate", new RequestAggregator(listener.maxBodyBytes(), handler, local, timer))
                .addLast("client", handler);
        if (!listener.allowOtherUsers() && users.appliesTo(ch)) {
            ch.config().setAutoRead(false); // not one byte is read before the owner is known
            ch.pipeline().addAfter("http", "peer-user", new PeerUserHandler(users));
        }
    }
}
