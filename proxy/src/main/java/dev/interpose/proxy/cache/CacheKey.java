package dev.interpose.proxy.cache;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A request as the cache tells requests apart: every part that can change the answer, in one byte string
 * ({@link KeyBuilder}). Two keys are equal only when their bytes are, so a hit is an exact match by
 * construction, never a hash collision; the hash (CRC32C, which the JVM computes with the CPU's
 * instruction) only spreads keys over the table.
 */
public final class CacheKey {
    private final byte[] bytes;
    private final int length;
    private final int hash;

    /** The key made of the first {@code length} bytes of {@code bytes}, which it keeps (never copied). */
    CacheKey(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        this.hash = (int) crc.getValue();
    }

    /** The key's size, counted against the cache's byte bound. */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CacheKey)) {
            return false;
        }
        CacheKey other = (CacheKey) o;
        return other.hash == hash && Arrays.equals(other.bytes, 0, other.length, bytes, 0, length);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
