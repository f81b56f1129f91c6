package org.xencommlab.arch.ppc.testing;

import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;

/** One domain of a {@link TestingMachine}: its memory, heap account, frame pins and arch state. */
public final class TestingDomain {
    private final int domid;
    private final boolean privileged;
    private final TestingGuestPhysicalMemory memory;
    private final TestingHeapAccount heap;
    private final Map<Long, Integer> pins = new TreeMap<>();
    private PpcGuestHandleResolver.PpcDomainState archState;

    TestingDomain(int domid, boolean privileged, TestingGuestPhysicalMemory memory, TestingHeapAccount heap) {
        this.domid = domid;
        this.privileged = privileged;
        this.memory = memory;
        this.heap = heap;
    }

    public int domid() {
        return domid;
    }

    public boolean privileged() {
        return privileged;
    }

    public TestingGuestPhysicalMemory memory() {
        return memory;
    }

    public TestingHeapAccount heap() {
        return heap;
    }

    public synchronized PpcGuestHandleResolver.PpcDomainState archState() {
        return archState;
    }

    synchronized void setArchState(PpcGuestHandleResolver.PpcDomainState state) {
        this.archState = state;
    }

    public boolean pinFrame(long gfn) {
        synchronized (pins) {
            if (!memory.isRam(gfn)) {
                return false;
            }
            pins.merge(gfn, 1, Integer::sum);
            return true;
        }
    }

    public void unpinFrame(long gfn) {
        synchronized (pins) {
            Integer count = pins.get(gfn);
            if (count == null) {
                throw new AssertionError("d" + domid + " unpin of unpinned frame 0x" + Long.toHexString(gfn));
            }
            if (count == 1) {
                pins.remove(gfn);
            } else {
                pins.put(gfn, count - 1);
            }
        }
    }

    /** Pins on {@code gfn}. */
    public int pins(long gfn) {
        synchronized (pins) {
            return pins.getOrDefault(gfn, 0);
        }
    }

    /** Pins on all frames. */
    public long totalPins() {
        synchronized (pins) {
            return pins.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    /**
     * The balloon driver gives {@code gfn} back to the hypervisor: refused (false) while the
     * hypervisor holds a pin on it.
     */
    public boolean balloonOut(long gfn) {
        synchronized (pins) {
            if (pins.containsKey(gfn) || !memory.isRam(gfn)) {
                return false;
            }
            memory.removeRam(gfn);
            return true;
        }
    }
}
