package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connections that arrive while the table is being read wait for the next read together, not one read each. */
class PeerUsersBatchTest {
    @Test
    void connectionsArrivingTogetherShareOneReadOfTheTable() throws Exception {
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        PeerUids table = new PeerUids() {
            @Override
            public OptionalInt ownerOf(InetSocketAddress client, InetSocketAddress listener) {
                throw new AssertionError("asked one by one");
            }

            @Override
            public List<OptionalInt> ownersOf(List<Query> queries) throws java.io.IOException {
                batchSizes.add(queries.size());
                firstReadStarted.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS); // a slow read of a big table
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                List<OptionalInt> owners = new ArrayList<>();
                for (Query q : queries) {
                    owners.add(q.client().getPort() % 2 == 0 ? OptionalInt.of(q.client().getPort()) : OptionalInt.empty());
                }
                return owners;
            }
        };
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            PeerUsers users = PeerUsers.of(table, OptionalInt.of(1000), executor);
            InetSocketAddress listener = new InetSocketAddress("127.0.0.1", 10000);
            List<CompletableFuture<OptionalInt>> owners = new ArrayList<>();
            owners.add(users.ownerOf(new InetSocketAddress("127.0.0.1", 40000), listener));
            assertThat(firstReadStarted.await(5, TimeUnit.SECONDS)).isTrue();
            for (int port = 40001; port <= 40500; port++) {
                owners.add(users.ownerOf(new InetSocketAddress("127.0.0.1", port), listener));
            }
            release.countDown();
            for (int i = 0; i < owners.size(); i++) {
                int port = 40000 + i;
                assertThat(owners.get(i).get(5, TimeUnit.SECONDS))
                        .isEqualTo(port % 2 == 0 ? OptionalInt.of(port) : OptionalInt.empty());
            }
            assertThat(batchSizes).containsExactly(1, 500);
        } finally {
            executor.shutdownNow();
        }
    }
}
