package dev.interpose.proxy.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Who owns the client end of a loopback TCP connection: the local user account whose process opened it. The
 * system's answer is {@link ProcNetTcp} (Linux); tests substitute their own. Implementations block (they read
 * kernel tables), so they are called off the event loop, and must be thread-safe.
 */
public interface PeerUids {
    /**
     * The uid owning the socket bound to {@code client} and connected to {@code listener} (the addresses as the
     * proxy's accepted channel sees them, reversed), or empty when no such socket is found (it has closed).
     *
     * @throws IOException when the kernel's tables cannot be read
     */
    OptionalInt ownerOf(InetSocketAddress client, InetSocketAddress listener) throws IOException;

    /** One connection to look up: the client's address and the listener's. */
    record Query(InetSocketAddress client, InetSocketAddress listener) {
    }

    /**
     * The owners of several connections at once, in the order asked; an implementation that reads a table reads
     * it once for all of them. This one asks {@link #ownerOf} for each.
     */
    default List<OptionalInt> ownersOf(List<Query> queries) throws IOException {
        List<OptionalInt> owners = new ArrayList<>(queries.size());
        for (Query q : queries) {
            owners.add(ownerOf(q.client(), q.listener()));
        }
        return owners;
    }
}
