package dev.interpose.proxy.client;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The check that a client on this machine is this proxy's own user ({@code listener.allow-other-users: false}):
 * the lookup of a connection's owner, this process's uid, and the small executor the lookups run on (never an
 * event loop). Another local user reaching the listener (over loopback, or at one of this machine's own
 * addresses when bound to more than loopback) could otherwise run this user's commands (shell commands
 * included), agents and upstreams. Clients of other machines are not in this machine's tables: they are the
 * business of {@code listener.allowed-hosts}. Root is no exception: a proxy run as root serves only
 * root. Unavailable where the system cannot say who owns a socket (no /proc); everything is served then.
 *
 * <p>Lookups are batched: one task at a time on the executor takes every connection waiting and reads the
 * kernel's table once for all of them. Read once per connection, the table (thousands of lines when thousands
 * of streams are open) kept a burst of 1,000 new connections waiting for seconds. Thread-safe.
 */
public final class PeerUsers {
    private final PeerUids lookup;
    private final int self;
    private final Executor executor;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** A connection waiting for its owner. */
    private record Pending(PeerUids.Query query, CompletableFuture<OptionalInt> owner) {
    }

    private PeerUsers(PeerUids lookup, int self, Executor executor) {
        this.lookup = lookup;
        this.self = self;
        this.executor = executor;
    }

    /** The check with this lookup (null when the system has none) and this process's uid (empty when unknown). */
    public static PeerUsers of(PeerUids lookup, OptionalInt self, Executor executor) {
        return new PeerUsers(self.isPresent() ? lookup : null, self.orElse(-1), executor);
    }

    /** A check that never applies. */
    static PeerUsers unavailable() {
        return new PeerUsers(null, -1, Runnable::run);
    }

    /** Whether owners of connections can be found here at all. */
    public boolean available() {
        return lookup != null;
    }

    /** This process's uid, the only one served. */
    int self() {
        return self;
    }

    /** Whether the check applies to this accepted connection: it is available and the connection is TCP/IP. */
    boolean appliesTo(Channel channel) {
        return available() && channel.remoteAddress() instanceof InetSocketAddress client && !client.isUnresolved()
                && channel.localAddress() instanceof InetSocketAddress;
    }

    /**
     * Whether the client of {@code channel} is on loopback. Its socket is then on this machine for sure, so one
     * not found is refused; a client from another address whose socket is not found is on another machine.
     */
    static boolean loopback(Channel channel) {
        return ProcNetTcp.loopback(((InetSocketAddress) channel.remoteAddress()).getAddress());
    }

    /** The owner of the client end of {@code channel}, found on the executor; empty when none is found. */
    CompletableFuture<OptionalInt> ownerOf(Channel channel) {
        return ownerOf((InetSocketAddress) channel.remoteAddress(), (InetSocketAddress) channel.localAddress());
    }

    /** The owner of the socket bound to {@code client} and connected to {@code listener}, found on the executor. */
    CompletableFuture<OptionalInt> ownerOf(InetSocketAddress client, InetSocketAddress listener) {
        Pending p = new Pending(new PeerUids.Query(client, listener), new CompletableFuture<>());
        pending.add(p);
        schedule();
        return p.owner();
    }

    private void schedule() {
        if (!pending.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                fail(e); // stopping: refused like any unknown owner
            }
        }
    }

    /** Looks up every connection waiting, in one read of the tables; then again if more came meanwhile. */
    private void drain() {
        List<Pending> batch = new ArrayList<>();
        for (Pending p = pending.poll(); p != null; p = pending.poll()) {
            batch.add(p);
        }
        try {
            if (!batch.isEmpty()) {
                List<OptionalInt> owners = lookup.ownersOf(batch.stream().map(Pending::query).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).owner().complete(owners.get(i));
                }
            }
        } catch (IOException | RuntimeException e) {
            Throwable cause = e instanceof IOException ? new UncheckedIOException((IOException) e) : e;
            batch.forEach(p -> p.owner().completeExceptionally(cause));
        } finally {
            draining.set(false);
            schedule();
        }
    }

    private void fail(Throwable e) {
        for (Pending p = pending.poll(); p != null; p = pending.poll()) {
            p.owner().completeExceptionally(e);
        }
    }
}
