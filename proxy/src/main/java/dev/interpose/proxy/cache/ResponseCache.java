package dev.interpose.proxy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.interpose.config.CacheConfig;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Exact-match answers in memory: a Caffeine cache bounded by bytes (keys and answers weighed) and a TTL,
 * and the requests on their way upstream by key, so that identical requests arriving together make one
 * upstream call: the first leads, the others follow and are answered from what it stores.
 *
 * <p>Lookups and stores happen on event loops; nothing here blocks. Kept across reloads while its
 * settings hold.
 */
public final class ResponseCache {
    /** Asks for {@code on}, {@code off} or {@code refresh} on a request; says {@code hit} or {@code miss} on an answer. */
    public static final String HEADER = "x-interpose-cache";

    private final CacheConfig config;
    private final KeyBuilder keys;
    private final Cache<CacheKey, CachedResponse> store;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<CachedResponse>> leading = new ConcurrentHashMap<>();
    private final CacheMetrics metrics;

    /** A cache whose TTL runs on the system's ticker. */
    public ResponseCache(CacheConfig config, CacheMetrics metrics) {
        this(config, metrics, Ticker.systemTicker());
    }

    /** @param ticker what the TTL runs on: the system's, or a test's */
    public ResponseCache(CacheConfig config, CacheMetrics metrics, Ticker ticker) {
        this.config = config;
        this.keys = new KeyBuilder(config.ignore());
        this.metrics = metrics;
        this.store = Caffeine.newBuilder()
                .maximumWeight(config.maxBytes())
                .weigher((CacheKey k, CachedResponse v) -> k.size() + v.weight())
                .expireAfterWrite(config.ttl())
                .ticker(ticker)
                .removalListener((CacheKey k, CachedResponse v, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        metrics.evicted(cause.name().toLowerCase(java.util.Locale.ROOT));
                    }
                })
                .build();
        metrics.watch(this);
    }

    /** Whether this cache can serve {@code next} as it is (the same bound, TTL, entry cap and ignore rules). */
    public boolean serves(CacheConfig next) {
        return next.maxBytes() == config.maxBytes() && next.maxEntryBytes() == config.maxEntryBytes()
                && next.ttl().equals(config.ttl()) && next.ignore().equals(config.ignore());
    }

    public KeyBuilder keys() {
        return keys;
    }

    /** Bytes held, as weighed. */
    long bytes() {
        return store.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    long entries() {
        return store.estimatedSize();
    }

    /**
     * What a request with this key does: replay a stored answer, follow an identical request already on
     * its way upstream, or go upstream itself and store what comes back. {@code refresh} skips the lookup.
     * A null key (the body is not JSON) goes upstream and stores nothing.
     */
    public Ticket admit(CacheKey key, boolean refresh) {
        if (key == null || config.maxBytes() == 0) {
            return new Ticket(null, null, null, null, false); // nothing can be stored, so nothing to wait for
        }
        if (refresh) {
            return new Ticket(key, null, null, null, true);
        }
        CachedResponse hit = store.getIfPresent(key);
        if (hit != null) {
            return new Ticket(key, hit, null, null, false);
        }
        CompletableFuture<CachedResponse> mine = new CompletableFuture<>();
        CompletableFuture<CachedResponse> other = leading.putIfAbsent(key, mine);
        if (other != null) {
            return new Ticket(key, null, other, null, false);
        }
        // A leader may have stored and left between the lookup and now: look once more.
        hit = store.getIfPresent(key);
        if (hit != null) {
            leading.remove(key, mine);
            mine.complete(hit);
            return new Ticket(key, hit, null, null, false);
        }
        return new Ticket(key, null, null, mine, false);
    }

    /** One request's part in the cache, confined to its exchange's event loop. */
    public final class Ticket {
        private final CacheKey key;
        private final CachedResponse hit;
        private final CompletableFuture<CachedResponse> leader;
        private CompletableFuture<CachedResponse> mine;
        private CachedResponse stored;
        private final boolean refresh;

        private Ticket(CacheKey key, CachedResponse hit, CompletableFuture<CachedResponse> leader,
                CompletableFuture<CachedResponse> mine, boolean refresh) {
            this.key = key;
            this.hit = hit;
            this.leader = leader;
            this.mine = mine;
            this.refresh = refresh;
        }

        /**
         * How a request that goes upstream counts: {@code miss}, {@code refresh} when it asked to skip the
         * lookup, {@code bypass} when it could not be cached (not JSON, or a cache of no bytes).
         */
        public String result() {
            return key == null ? "bypass" : refresh ? "refresh" : "miss";
        }

        /** The stored answer to replay, or null. */
        public CachedResponse hit() {
            return hit;
        }

        /** Whether an identical request is on its way upstream and this one waits for its answer. */
        public boolean follows() {
            return leader != null;
        }

        /** Runs {@code then} on {@code loop} with the leader's stored answer, or null when it stored none. */
        public void await(EventLoop loop, Consumer<CachedResponse> then) {
            leader.whenComplete((answer, error) -> loop.execute(() -> then.accept(answer)));
        }

        /** A ticket for going upstream without a leader to wait for (the leader stored nothing). */
        public Ticket alone() {
            return new Ticket(key, null, null, null, refresh);
        }

        /** Whether an answer to this request may be stored. */
        public boolean stores() {
            return key != null && hit == null && leader == null && config.maxBytes() > 0;
        }

        /** The largest answer worth collecting. */
        public int maxEntryBytes() {
            return config.maxEntryBytes();
        }

        /** Stores a complete answer (on the event loop, before {@link #settle}). */
        public void store(CachedResponse answer) {
            if (stores()) {
                store.put(key, answer);
                stored = answer;
                metrics.stored();
            }
        }

        /** The request ended: those that followed it get what it stored, or go upstream themselves. */
        public void settle() {
            if (mine != null) {
                CompletableFuture<CachedResponse> done = mine;
                mine = null;
                leading.remove(key, done);
                done.complete(stored);
            }
        }

        /** Counts how this request was answered: {@code hit}, {@code collapsed} or {@code miss}. */
        public void count(String result) {
            metrics.request(result);
        }
    }
}
