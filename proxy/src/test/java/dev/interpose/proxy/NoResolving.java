package dev.interpose.proxy;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;

/**
 * For upstream clients on {@code EmbeddedChannel}s: no name resolution (the embedded upstream needs none),
 * and no termination hook on the embedded loop (a new resolver each time, none cached per executor).
 */
public final class NoResolving extends AddressResolverGroup<SocketAddress> {
    @Override
    protected AddressResolver<SocketAddress> newResolver(EventExecutor executor) {
        return new NoopAddressResolver(executor);
    }

    @Override
    public AddressResolver<SocketAddress> getResolver(EventExecutor executor) {
        return newResolver(executor);
    }
}
