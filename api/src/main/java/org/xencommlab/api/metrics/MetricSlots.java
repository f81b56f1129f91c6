package org.xencommlab.api.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Atomic longs indexed by a handle's slot, growing in fixed chunks so that a handle defined after
 * the storage was made (a plugin's class initialised later) is counted without copying: an
 * increment reads one chunk reference and updates one element, with no lookup by name. Each slot
 * remembers the handle it belongs to, so a run can list what was counted. Thread-safe.
 */
final class MetricSlots<H> {
    static final int CHUNK_BITS = 5;
    static final int CHUNK = 1 << CHUNK_BITS;
    static final int MAX_CHUNKS = 1024;
    /** The most handles of one kind a JVM may define. */
    static final int MAX_SLOTS = CHUNK * MAX_CHUNKS;

    private static final class Chunk<H> {
        final AtomicLongArray values = new AtomicLongArray(CHUNK);
        final AtomicReferenceArray<H> owners = new AtomicReferenceArray<>(CHUNK);
    }

    private final AtomicReferenceArray<Chunk<H>> chunks = new AtomicReferenceArray<>(MAX_CHUNKS);

    /** The next slot of a kind, for a new handle. */
    static int allocate(AtomicInteger next, String kind) {
        int slot = next.getAndIncrement();
        if (slot >= MAX_SLOTS) {
            next.decrementAndGet();
            throw new IllegalStateException("more than " + MAX_SLOTS + " " + kind + "s defined");
        }
        return slot;
    }

    private Chunk<H> chunk(int slot, H owner) {
        Chunk<H> chunk = chunks.get(slot >>> CHUNK_BITS);
        if (chunk == null) {
            chunks.compareAndSet(slot >>> CHUNK_BITS, null, new Chunk<>());
            chunk = chunks.get(slot >>> CHUNK_BITS);
        }
        int i = slot & (CHUNK - 1);
        if (chunk.owners.getPlain(i) == null) {
            chunk.owners.set(i, owner);
        }
        return chunk;
    }

    long addAndGet(int slot, H owner, long delta) {
        return chunk(slot, owner).values.addAndGet(slot & (CHUNK - 1), delta);
    }

    long accumulateMax(int slot, H owner, long value) {
        return chunk(slot, owner).values.accumulateAndGet(slot & (CHUNK - 1), value, Math::max);
    }

    /** Marks {@code slot} as {@code owner}'s without changing its value. */
    void touch(int slot, H owner) {
        chunk(slot, owner);
    }

    long get(int slot) {
        Chunk<H> chunk = chunks.get(slot >>> CHUNK_BITS);
        return chunk == null ? 0 : chunk.values.get(slot & (CHUNK - 1));
    }

    /** The handle of {@code slot} if it was ever counted or touched here, else null. */
    H owner(int slot) {
        Chunk<H> chunk = chunks.get(slot >>> CHUNK_BITS);
        return chunk == null ? null : chunk.owners.get(slot & (CHUNK - 1));
    }
}
