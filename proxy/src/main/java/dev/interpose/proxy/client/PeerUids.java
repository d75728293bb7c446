package dev.interpose.proxy.client;

import java.io.IOException;
import java.net.InetSocketAddress;
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
}
