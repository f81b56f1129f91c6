package org.xencommlab.guest.testing;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;

/**
 * A small x86-like hypervisor for the guest's tests: domains with {@link TestingGuestPhysicalMemory},
 * a CR3 per vCPU, and two hypercalls. {@code xen_version} returns a constant; {@code console_io}
 * write ({@code cmd, count, address}) copies the bytes at a guest virtual address by walking the
 * calling vCPU's page tables piece by piece, reaching a {@code GUEST_READ} point before each
 * piece, and returns -EFAULT at the first piece that is not present (x86 semantics).
 */
public final class TestingHypervisorGate implements HypervisorGate {
    public static final long VERSION = (4L << 16) | 17;

    private final PageSize pageSize;
    private final Scheduler scheduler;
    private final Map<Integer, TestingGuestPhysicalMemory> memories = new HashMap<>();
    private final Map<Long, Long> cr3 = new HashMap<>();
    private final Map<Integer, ByteArrayOutputStream> consoles = new HashMap<>();
    private long hypercalls;

    public TestingHypervisorGate(PageSize pageSize, Scheduler scheduler) {
        this.pageSize = pageSize;
        this.scheduler = scheduler;
    }

    public synchronized TestingGuestPhysicalMemory addDomain(int domid, long frames) {
        TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(domid, pageSize, frames);
        memories.put(domid, memory);
        consoles.put(domid, new ByteArrayOutputStream());
        return memory;
    }

    public synchronized long hypercalls() {
        return hypercalls;
    }

    /** The root table vCPU {@code vcpu} of {@code domid} runs on, or -1. */
    public synchronized long pageTableBase(int domid, int vcpu) {
        return cr3.getOrDefault(key(domid, vcpu), -1L);
    }

    /** Bytes domain {@code domid} wrote to the console. */
    public synchronized byte[] console(int domid) {
        return consoles.get(domid).toByteArray();
    }

    @Override
    public long hypercall(int domid, int vcpu, long op, long... args) {
        synchronized (this) {
            hypercalls++;
        }
        if (args.length > 5) {
            return XenErrno.EINVAL.asResult();
        }
        scheduler.reached(SchedulingPoint.HYPERCALL_ENTRY, domid);
        long[] a = new long[5];
        System.arraycopy(args, 0, a, 0, args.length);
        if (op == HypercallNumber.XEN_VERSION) {
            return VERSION;
        }
        if (op == HypercallNumber.CONSOLE_IO && a[0] == SubOps.ConsoleIo.WRITE) {
            return consoleWrite(domid, vcpu, a[1], a[2]);
        }
        return XenErrno.ENOSYS.asResult();
    }

    private long consoleWrite(int domid, int vcpu, long count, long address) {
        if (count < 0 || count > 1 << 20) {
            return XenErrno.EINVAL.asResult();
        }
        TestingGuestPhysicalMemory memory = memoryOf(domid);
        byte[] bytes = new byte[(int) count];
        int done = 0;
        while (done < count) {
            scheduler.reached(SchedulingPoint.GUEST_READ, domid);
            long va = address + done;
            long root;
            synchronized (this) {
                root = pageSize.pageOf(cr3.getOrDefault(key(domid, vcpu), -1L));
            }
            long physical;
            try {
                physical = TestingWalker.translate(memory, root, va);
            } catch (RuntimeException e) {
                physical = -1;
            }
            if (physical < 0) {
                return XenErrno.EFAULT.asResult();
            }
            int piece = (int) Math.min(count - done, pageSize.bytesToPageEnd(va));
            memory.read(physical, bytes, done, piece);
            done += piece;
        }
        synchronized (this) {
            consoles.get(domid).write(bytes, 0, bytes.length);
        }
        return 0;
    }

    @Override
    public synchronized void loadPageTableBase(int domid, int vcpu, long rootTable) {
        cr3.put(key(domid, vcpu), rootTable);
    }

    @Override
    public synchronized TestingGuestPhysicalMemory physicalMemory(int domid) {
        return memoryOf(domid);
    }

    private synchronized TestingGuestPhysicalMemory memoryOf(int domid) {
        TestingGuestPhysicalMemory memory = memories.get(domid);
        if (memory == null) {
            throw new IllegalArgumentException("no domain " + domid);
        }
        return memory;
    }

    private static long key(int domid, int vcpu) {
        return ((long) domid << 32) | vcpu;
    }
}
