package dev.interpose.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The response cache: exact-match, off unless an upstream or a route turns it on (or a request asks with
 * {@code x-interpose-cache: on}).
 *
 * @param maxBytes      the most the cache holds, keys and answers counted, before it evicts
 * @param maxEntryBytes the largest answer it stores
 * @param ttl           how long an answer stays after it was stored
 * @param ignore        parts of a request body left out of the key: JSON pointers, {@code *} matching any
 *                      one step, optionally {@code =glob} so a string value is left out only when it matches
 * @param upstreams     the upstreams whose answers are cached
 * @param routes        routes that set {@code cache}, by route name: their setting wins over the upstream's
 */
public record CacheConfig(long maxBytes, int maxEntryBytes, Duration ttl, List<String> ignore, Set<String> upstreams,
        Map<String, Boolean> routes) {
    /** What the cache leaves out of a key unless told otherwise: the parts the CLIs change on every run. */
    public static final List<String> DEFAULT_IGNORE = ConfigTable.CACHE_IGNORE.defaultValue();
    /** The most ignore rules a cache takes (the key builder tracks them in one 64-bit mask). */
    public static final int MAX_IGNORE_RULES = ConfigTable.MAX_IGNORE_RULES;
    public static final CacheConfig DEFAULT = new CacheConfig(ConfigTable.CACHE_MAX_BYTES.defaultValue(),
            ConfigTable.CACHE_MAX_ENTRY_BYTES.defaultValue(), ConfigTable.CACHE_TTL.defaultValue(), DEFAULT_IGNORE,
            Set.of(), Map.of());

    /** Checks each value against its key in {@link ConfigTable}, and that there are not too many rules. */
    public CacheConfig {
        ConfigTable.CACHE_MAX_BYTES.check(maxBytes);
        ConfigTable.CACHE_MAX_ENTRY_BYTES.check(maxEntryBytes);
        ConfigTable.CACHE_TTL.check(ttl);
        ignore = List.copyOf(ConfigTable.CACHE_IGNORE.check(ignore));
        if (ignore.size() > MAX_IGNORE_RULES) {
            throw ConfigTable.CACHE_IGNORE.invalid(null, ConfigTable.CACHE_IGNORE.type().format(ignore),
                    "at most " + MAX_IGNORE_RULES + " rules");
        }
        upstreams = Set.copyOf(upstreams);
        routes = Map.copyOf(routes);
    }

    /** Whether requests taking this route to this upstream are cached when they do not say otherwise. */
    public boolean enabledFor(String route, String upstream) {
        Boolean byRoute = routes.get(route);
        return byRoute != null ? byRoute : upstreams.contains(upstream);
    }
}
