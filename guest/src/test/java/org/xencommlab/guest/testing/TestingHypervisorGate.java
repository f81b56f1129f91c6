package org.xencommlab.guest.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.strategy.pointer.form.PointerStrategy;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.sched.Scheduler;
import org.xencommlab.api.sched.SchedulingPoint;

/**
 * A small x86-like hypervisor for the guest's tests, written apart from the real one (which the
 * guest may not depend on). Domains have {@link TestingGuestPhysicalMemory} and a CR3 per vCPU; a
 * memory reference is a virtual address, resolved by walking the calling vCPU's page tables piece
 * by piece ({@link TestingWalker}), with a {@code GUEST_READ} or {@code GUEST_WRITE} point before
 * each piece; a piece that is not present stops the copy (x86: the hypervisor cannot fault a page
 * in).
 *
 * <p>Arguments are decoded by the run's {@link ArgumentStrategy} (pointer unless given), with its
 * hypervisor-side views, so a guest test exercises the real encoders and decoders of the form it
 * runs in, and the answers follow Xen's rules:
 * <ul>
 *   <li>{@code memory_op} increase/decrease_reservation and populate_physmap: frames really leave
 *       and join the domain's memory (a removed frame's bytes are gone; a populated one reads as
 *       zero), within its maximum and the machine's free frames; the result is the extents done;
 *       a refusal of the request as a whole returns {@code start_extent}; with
 *       {@link #setPreemptEvery} the call is preempted and continued with the strategy's
 *       continuation words, re-entered here as a vCPU would;</li>
 *   <li>{@code multicall}: each entry dispatched, a nested one refused with -EINVAL;</li>
 *   <li>{@code console_io} write (in chunks of 127 bytes) and read (from {@link #typeConsoleInput});</li>
 *   <li>{@code sysctl} getdomaininfolist (dom0 only, else -EPERM), ascending domain ids;</li>
 *   <li>{@code dm_op} modified_memory (dom0 only), recording the pages named;</li>
 *   <li>{@code xen_version}: {@link #VERSION}.</li>
 * </ul>
 */
public final class TestingHypervisorGate implements HypervisorGate {
    public static final long VERSION = (4L << 16) | 17;

    private final PageSize pageSize;
    private final Scheduler scheduler;
    private final ArgumentStrategy strategy;
    private final TreeMap<Integer, Domain> domains = new TreeMap<>();
    private final Map<Long, Long> cr3 = new HashMap<>();
    private final ArrayDeque<Byte> consoleInput = new ArrayDeque<>();
    private long hypercalls;
    private long entries;
    private long continuations;
    private long preemptEvery;
    private long freeMachineFrames = 1L << 40;
    private long nextMfn = 1L << 24;

    private static final class Domain {
        final int domid;
        final TestingGuestPhysicalMemory memory;
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final TreeSet<Long> modified = new TreeSet<>();
        long increased;

        Domain(int domid, TestingGuestPhysicalMemory memory) {
            this.domid = domid;
            this.memory = memory;
        }

        long totPages() {
            return memory.ramFrames() + increased;
        }
    }

    /** One guest call: who made it, its guest access, and the continuation it asked for. */
    private final class Call implements GuestCopy {
        final int domid;
        final int vcpu;
        long[] continuation;

        Call(int domid, int vcpu) {
            this.domid = domid;
            this.vcpu = vcpu;
        }

        @Override
        public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
            return copy(ref, offset, dst, dstOffset, length, false);
        }

        @Override
        public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
            return copy(ref, offset, src, srcOffset, length, true);
        }

        private long copy(MemoryReference ref, long offset, byte[] bytes, int bytesOffset, int length, boolean toGuest) {
            if (length < 0 || bytesOffset < 0 || bytesOffset > bytes.length - length) {
                return Math.max(length, 0);
            }
            TestingGuestPhysicalMemory memory = domain(domid).memory;
            int done = 0;
            while (done < length) {
                scheduler.reached(toGuest ? SchedulingPoint.GUEST_WRITE : SchedulingPoint.GUEST_READ, domid);
                long va = ref.value() + offset + done;
                long physical;
                try {
                    physical = TestingWalker.translate(memory, pageSize.pageOf(pageTableBase(domid, vcpu)), va);
                } catch (RuntimeException e) {
                    physical = -1;
                }
                if (physical < 0) {
                    return length - done;
                }
                int piece = Math.min(length - done, pageSize.bytesToPageEnd(va));
                try {
                    if (toGuest) {
                        memory.write(physical, bytes, bytesOffset + done, piece);
                    } else {
                        memory.read(physical, bytes, bytesOffset + done, piece);
                    }
                } catch (XenException e) {
                    return length - done;
                }
                done += piece;
            }
            return 0;
        }
    }

    public TestingHypervisorGate(PageSize pageSize, Scheduler scheduler) {
        this(pageSize, scheduler, new PointerStrategy());
    }

    public TestingHypervisorGate(PageSize pageSize, Scheduler scheduler, ArgumentStrategy strategy) {
        this.pageSize = pageSize;
        this.scheduler = scheduler;
        this.strategy = strategy;
    }

    public ArgumentStrategy strategy() {
        return strategy;
    }

    public TestingGuestPhysicalMemory addDomain(int domid, long frames) {
        return addDomain(domid, frames, frames);
    }

    /** A domain holding frames 0 .. ramFrames - 1 that may grow to {@code maxFrames}. */
    public synchronized TestingGuestPhysicalMemory addDomain(int domid, long ramFrames, long maxFrames) {
        TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(domid, pageSize, ramFrames, maxFrames);
        domains.put(domid, new Domain(domid, memory));
        return memory;
    }

    /** Hypercalls issued (continuations not included). */
    public synchronized long hypercalls() {
        return hypercalls;
    }

    /** Entries into this hypervisor, continuations included. */
    public synchronized long entries() {
        return entries;
    }

    public synchronized long continuations() {
        return continuations;
    }

    /** Preempts a reservation operation after every {@code extents} extents of one entry; 0 never. */
    public synchronized void setPreemptEvery(long extents) {
        this.preemptEvery = extents;
    }

    /** Frames the machine has free for populate_physmap and increase_reservation. */
    public synchronized void setFreeMachineFrames(long frames) {
        this.freeMachineFrames = frames;
    }

    public synchronized long freeMachineFrames() {
        return freeMachineFrames;
    }

    /** Pages domain {@code domid} holds. */
    public synchronized long totPages(int domid) {
        return domain(domid).totPages();
    }

    /** The root table vCPU {@code vcpu} of {@code domid} runs on, or -1. */
    public synchronized long pageTableBase(int domid, int vcpu) {
        return cr3.getOrDefault(key(domid, vcpu), -1L);
    }

    /** Bytes domain {@code domid} wrote to the console. */
    public synchronized byte[] console(int domid) {
        return domain(domid).console.toByteArray();
    }

    /** Queues console input for {@code CONSOLEIO_read}. */
    public synchronized void typeConsoleInput(byte[] bytes) {
        for (byte b : bytes) {
            consoleInput.add(b);
        }
    }

    /** Pages of {@code domid} named by modified_memory, ascending. */
    public synchronized long[] modifiedPages(int domid) {
        return domain(domid).modified.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public long hypercall(int domid, int vcpu, long op, long... args) {
        synchronized (this) {
            hypercalls++;
        }
        if (args.length > 5) {
            return XenErrno.EINVAL.asResult();
        }
        long[] words = Arrays.copyOf(args, 5);
        Call call = new Call(domid, vcpu);
        while (true) {
            synchronized (this) {
                entries++;
            }
            scheduler.reached(SchedulingPoint.HYPERCALL_ENTRY, domid);
            call.continuation = null;
            long result = dispatch(call, op, words, true);
            if (call.continuation == null) {
                return result;
            }
            synchronized (this) {
                continuations++;
            }
            scheduler.reached(SchedulingPoint.CONTINUATION, domid);
            words = Arrays.copyOf(call.continuation, 5);
        }
    }

    private long dispatch(Call call, long op, long[] args, boolean preemptible) {
        try {
            if (op == HypercallNumber.XEN_VERSION) {
                return VERSION;
            }
            if (op == HypercallNumber.MEMORY_OP) {
                return memoryOp(call, args, preemptible);
            }
            if (op == HypercallNumber.MULTICALL) {
                return multicall(call, args);
            }
            if (op == HypercallNumber.CONSOLE_IO) {
                return consoleIo(call, args);
            }
            if (op == HypercallNumber.SYSCTL) {
                return sysctl(call, args);
            }
            if (op == HypercallNumber.DM_OP) {
                return dmOp(call, args);
            }
            return XenErrno.ENOSYS.asResult();
        } catch (XenException e) {
            return e.asResult();
        }
    }

    private long memoryOp(Call call, long[] args, boolean preemptible) {
        MemoryOpCommand cmd = MemoryOpCommand.decode(args[0]);
        if (!MemoryOpCommand.isReservationOp(cmd.op())) {
            return XenErrno.ENOSYS.asResult();
        }
        ReservationArguments r;
        Domain target;
        try {
            r = strategy.decode(ReservationArguments.KIND, call, args);
            ReservationLimits.checkOrder(r.reservation().extentOrder(), ReservationLimits.maxOrder(call.domid == 0));
            target = targetOf(call, r.reservation().domid());
        } catch (XenException e) {
            return cmd.startExtent();
        }
        long pages = 1L << r.reservation().extentOrder();
        boolean writeBack = strategy.form() == AbiForm.EMBEDDED || r.reservation().extentStart() != 0;
        long i = cmd.startExtent();
        long every;
        synchronized (this) {
            every = preemptEvery;
        }
        for (; i < r.reservation().nrExtents(); i++) {
            if (preemptible && every > 0 && i != cmd.startExtent() && (i - cmd.startExtent()) % every == 0) {
                call.continuation = r.continuationArgs(i);
                return 0;
            }
            try {
                if (!extent(cmd.op(), r, i, target, pages, writeBack)) {
                    break;
                }
            } catch (XenException e) {
                break;
            }
        }
        return i;
    }

    /** One extent; false when Xen would stop here (no memory, a frame not the domain's, ...). */
    private boolean extent(int op, ReservationArguments r, long i, Domain target, long pages, boolean writeBack) {
        if (op == SubOps.MemoryOp.INCREASE_RESERVATION) {
            long mfn;
            synchronized (this) {
                if (freeMachineFrames < pages || target.totPages() + pages > target.memory.maxFrames()) {
                    return false;
                }
                freeMachineFrames -= pages;
                target.increased += pages;
                mfn = nextMfn;
                nextMfn += pages;
            }
            if (writeBack) {
                r.writeExtent(i, mfn);
            }
            return true;
        }
        long gfn = r.readExtent(i);
        synchronized (this) {
            if (op == SubOps.MemoryOp.DECREASE_RESERVATION) {
                for (long j = 0; j < pages; j++) {
                    if (!target.memory.isRam(gfn + j)) {
                        return false;
                    }
                }
                for (long j = 0; j < pages; j++) {
                    target.memory.removeFrame(gfn + j);
                }
                freeMachineFrames += pages;
                return true;
            }
            if (freeMachineFrames < pages || gfn < 0 || gfn + pages > target.memory.maxFrames()) {
                return false;
            }
            for (long j = 0; j < pages; j++) {
                if (target.memory.isRam(gfn + j)) {
                    return false;
                }
            }
            for (long j = 0; j < pages; j++) {
                target.memory.populateFrame(gfn + j);
            }
            freeMachineFrames -= pages;
            return true;
        }
    }

    private synchronized Domain targetOf(Call call, int domid) {
        if (domid == ReservationRequest.DOMID_SELF || domid == call.domid) {
            return domain(call.domid);
        }
        if (call.domid != 0) {
            throw new XenException(XenErrno.EPERM, "domain " + call.domid + " may not change domain " + domid);
        }
        Domain target = domains.get(domid);
        if (target == null) {
            throw new XenException(XenErrno.ESRCH, "no domain " + domid);
        }
        return target;
    }

    private long multicall(Call call, long[] args) {
        MulticallArguments m = strategy.decode(MulticallArguments.KIND, call, args);
        for (int i = m.start(); i < m.nrCalls(); i++) {
            MulticallEntry entry = m.readEntry(i);
            long result = entry.isNested()
                    ? XenErrno.EINVAL.asResult()
                    : dispatch(call, entry.op(), Arrays.copyOf(entry.args(), 5), false);
            m.writeResult(i, result);
        }
        return 0;
    }

    private long consoleIo(Call call, long[] args) {
        ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, call, args);
        if (io.cmd() == SubOps.ConsoleIo.WRITE) {
            byte[] chunk = new byte[ConsoleIo.WRITE_CHUNK];
            for (long done = io.done(); done < io.count(); ) {
                int n = (int) Math.min(chunk.length, io.count() - done);
                io.copyIn(done, chunk, 0, n);
                synchronized (this) {
                    domain(call.domid).console.write(chunk, 0, n);
                }
                done += n;
            }
            return 0;
        }
        byte[] bytes;
        synchronized (this) {
            bytes = new byte[(int) Math.min(io.count(), consoleInput.size())];
            int k = 0;
            for (Byte b : consoleInput) {
                if (k == bytes.length) {
                    break;
                }
                bytes[k++] = b;
            }
        }
        io.copyOut(0, bytes, 0, bytes.length);
        synchronized (this) {
            for (int k = 0; k < bytes.length; k++) {
                consoleInput.poll();
            }
        }
        return bytes.length;
    }

    private long sysctl(Call call, long[] args) {
        GetDomainInfoListArguments list = strategy.decode(GetDomainInfoListArguments.KIND, call, args);
        if (call.domid != 0) {
            return XenErrno.EPERM.asResult();
        }
        int n = 0;
        for (Domain d : snapshotFrom(list.firstDomain())) {
            if (n == list.maxDomains()) {
                break;
            }
            list.writeDomainInfo(n++, DomainInfo.of(d.domid, DomainInfo.DOMINF_RUNNING, d.totPages(), d.memory.maxFrames(), 1));
        }
        list.finish(n);
        return 0;
    }

    private synchronized Domain[] snapshotFrom(int first) {
        return domains.tailMap(first, true).values().toArray(new Domain[0]);
    }

    private long dmOp(Call call, long[] args) {
        DmOpArguments dm = strategy.decode(DmOpArguments.KIND, call, args);
        if (call.domid != 0) {
            return XenErrno.EPERM.asResult();
        }
        Domain target;
        synchronized (this) {
            target = domains.get(dm.domid());
        }
        if (target == null) {
            return XenErrno.ESRCH.asResult();
        }
        ModifiedMemoryOp op = dm.readOp();
        if (op.opaque() != 0 || dm.extentCapacity() < op.nrExtentsUnsigned()) {
            return XenErrno.EINVAL.asResult();
        }
        for (long rem = op.nrExtentsUnsigned(); rem > 0; rem--) {
            ModifiedMemoryExtent extent = dm.readExtent(rem - 1);
            if (extent.firstPfn() < 0 || extent.firstPfn() + extent.nrUnsigned() > target.memory.maxFrames()) {
                return XenErrno.EINVAL.asResult();
            }
            synchronized (this) {
                for (long p = 0; p < extent.nrUnsigned(); p++) {
                    target.modified.add(extent.firstPfn() + p);
                }
            }
        }
        dm.writeOp(new ModifiedMemoryOp(0, 0));
        return 0;
    }

    @Override
    public synchronized void loadPageTableBase(int domid, int vcpu, long rootTable) {
        cr3.put(key(domid, vcpu), rootTable);
    }

    @Override
    public synchronized TestingGuestPhysicalMemory physicalMemory(int domid) {
        return domain(domid).memory;
    }

    private synchronized Domain domain(int domid) {
        Domain domain = domains.get(domid);
        if (domain == null) {
            throw new IllegalArgumentException("no domain " + domid);
        }
        return domain;
    }

    private static long key(int domid, int vcpu) {
        return ((long) domid << 32) | vcpu;
    }
}
