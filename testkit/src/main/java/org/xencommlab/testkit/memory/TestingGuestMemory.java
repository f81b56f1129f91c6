package org.xencommlab.testkit.memory;

import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * An in-memory guest for ABI tests: disjoint regions of real bytes at addresses, a reference being
 * the address of a byte. It is both the guest's {@link ArgumentPlacement} and the hypervisor's
 * {@link GuestCopy}; a copy that leaves its region copies the reachable prefix and reports the
 * rest, as Xen's copies do. Counts the bytes the hypervisor reads.
 */
public final class TestingGuestMemory implements ArgumentPlacement, GuestCopy {
    /** Gap left between regions so that an overrun faults instead of reading a neighbour. */
    private static final long GAP = 4096;

    private final TreeMap<Long, byte[]> regions = new TreeMap<>();
    private long next = 0x10_0000;
    private long bytesRead;
    private long bytesWritten;

    /** Maps {@code bytes} (copied) at a fresh address and returns it. */
    public long map(byte[] bytes) {
        long address = next;
        regions.put(address, bytes.clone());
        next = (address + bytes.length + GAP + 7) & ~7L;
        return address;
    }

    /** Maps {@code bytes} at {@code address} exactly, which must not overlap another region. */
    public void mapAt(long address, byte[] bytes) {
        Map.Entry<Long, byte[]> below = regions.floorEntry(address + Math.max(0, bytes.length - 1));
        if (below != null && below.getKey() + below.getValue().length > address) {
            throw new IllegalArgumentException("overlap at 0x" + Long.toHexString(address));
        }
        regions.put(address, bytes.clone());
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** Bytes readable at {@code address}, or -1 if it is in no region. */
    private long reachable(long address) {
        Map.Entry<Long, byte[]> entry = regions.floorEntry(address);
        if (entry == null || address - entry.getKey() >= entry.getValue().length || address < entry.getKey()) {
            return -1;
        }
        return entry.getValue().length - (address - entry.getKey());
    }

    @Override
    public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        long address = ref.value() + offset;
        long available = length == 0 ? 0 : reachable(address);
        if (available < 0) {
            return length;
        }
        int n = (int) Math.min(length, available);
        if (n > 0) {
            Map.Entry<Long, byte[]> entry = regions.floorEntry(address);
            System.arraycopy(entry.getValue(), (int) (address - entry.getKey()), dst, dstOffset, n);
        }
        bytesRead += n;
        return length - n;
    }

    @Override
    public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        long address = ref.value() + offset;
        long available = length == 0 ? 0 : reachable(address);
        if (available < 0) {
            return length;
        }
        int n = (int) Math.min(length, available);
        if (n > 0) {
            Map.Entry<Long, byte[]> entry = regions.floorEntry(address);
            System.arraycopy(src, srcOffset, entry.getValue(), (int) (address - entry.getKey()), n);
        }
        bytesWritten += n;
        return length - n;
    }

    /** A reader of this memory for a {@link HandleSiteFinder}; unmapped bytes read as zero. */
    public HandleSiteFinder.MemoryReader reader() {
        return (address, dst, dstOffset, length) -> {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
            copyFromGuest(dst, dstOffset, new MemoryReference(address), 0, length);
        };
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        byte[] bytes = java.util.Arrays.copyOfRange(src, srcOffset, srcOffset + length);
        long address = map(bytes);
        return new Placed() {
            @Override
            public MemoryReference reference() {
                return new MemoryReference(address);
            }

            @Override
            public MemoryReference referenceAt(int offset) {
                return new MemoryReference(address + offset);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int offset, byte[] data, int dataOffset, int n) {
                System.arraycopy(data, dataOffset, regions.get(address), offset, n);
            }

            @Override
            public void read(int offset, byte[] dst, int dstOffset, int n) {
                System.arraycopy(regions.get(address), offset, dst, dstOffset, n);
            }
        };
    }
}
