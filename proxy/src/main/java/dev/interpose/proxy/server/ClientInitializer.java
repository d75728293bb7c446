package dev.interpose.proxy.server;

import dev.interpose.config.ListenerConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of each client connection: HTTP/1.1 codec with the header limit, the request aggregator
 * with the body limit, and the client handler. No compressor or aggregator ever sits on the response path.
 */
final class ClientInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_INITIAL_LINE = 16 * 1024;

    private final ServerContext server;
    private final ChannelGroup clients;

    /** @param clients every open client connection, closed together when the server stops */
    ClientInitializer(ServerContext server, ChannelGroup clients) {
        this.server = server;
        this.clients = clients;
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        ListenerConfig listener = server.snapshot().config().listener(); // limits apply per connection
        ClientHandler handler = new ClientHandler(server);
        ch.pipeline()
                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, listener.maxHeaderBytes(), 64 * 1024))
                .addLast("aggregate", new RequestAggregator(listener.maxBodyBytes(), handler))
                .addLast("client", handler);
    }
}
