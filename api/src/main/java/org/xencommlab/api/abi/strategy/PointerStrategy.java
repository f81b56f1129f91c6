package org.xencommlab.api.abi.strategy;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.DmOp;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.DmOpBuf;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * The {@code pointer} strategy: structures hold guest handles to their arrays, laid out as Xen's
 * public headers lay them out on x86-64. The guest places each structure and each array
 * separately; the hypervisor copies each fixed structure once and reaches arrays one element at a
 * time through the handles. Stateless.
 */
public final class PointerStrategy implements ArgumentStrategy {
    public static final String NAME = "pointer";

    private final HandleSiteFinder handleSites = new PointerHandleSites();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbiForm form() {
        return AbiForm.POINTER;
    }

    @Override
    public HandleSiteFinder handleSites() {
        return handleSites;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> List<HypercallRequest<R>> split(HypercallRequest<R> request) {
        if (request instanceof ReservationRequest r) {
            return (List<HypercallRequest<R>>) (List<?>) r.split((int) ReservationLimits.MAX_NR_EXTENTS);
        }
        return List.of(request);
    }

    // ---- guest side ----

    @Override
    @SuppressWarnings("unchecked")
    public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
        if (request instanceof PlainCall p) {
            return (PreparedCall<R>) new SimplePreparedCall<Long>(p.hypercall(), p.args(), result -> result);
        }
        if (request instanceof ReservationRequest r) {
            return (PreparedCall<R>) prepareReservation(placement, r);
        }
        if (request instanceof MulticallRequest m) {
            return (PreparedCall<R>) prepareMulticall(placement, m);
        }
        if (request instanceof ConsoleWriteRequest w) {
            Placed buffer = placeIfAny(placement, w.bytes());
            return (PreparedCall<R>) new SimplePreparedCall<Long>(HypercallNumber.CONSOLE_IO,
                    new long[] {SubOps.ConsoleIo.WRITE, w.count(), word(buffer)}, result -> result);
        }
        if (request instanceof ConsoleReadRequest rd) {
            return (PreparedCall<R>) prepareConsoleRead(placement, rd);
        }
        if (request instanceof GetDomainInfoListRequest g) {
            return (PreparedCall<R>) prepareDomainInfoList(placement, g);
        }
        if (request instanceof ModifiedMemoryRequest d) {
            return (PreparedCall<R>) prepareModifiedMemory(placement, d);
        }
        throw new IllegalArgumentException("unknown request type " + request.getClass().getName());
    }

    private static Placed placeIfAny(ArgumentPlacement placement, byte[] bytes) {
        return bytes.length == 0 ? null : placement.place(bytes);
    }

    private static long word(Placed placed) {
        return placed == null ? MemoryReference.NULL.value() : placed.reference().value();
    }

    private static PreparedCall<ReservationOutcome> prepareReservation(ArgumentPlacement placement, ReservationRequest r) {
        long[] extents = r.extents();
        byte[] array = new byte[extents.length * MemoryReservation.EXTENT_SIZE];
        for (int i = 0; i < extents.length; i++) {
            LittleEndian.putU64(array, i * MemoryReservation.EXTENT_SIZE, extents[i]);
        }
        Placed placedArray = placeIfAny(placement, array);
        MemoryReservation reservation = new MemoryReservation(word(placedArray), extents.length, r.extentOrder(), r.memFlags(), r.domid());
        Placed struct = placement.place(reservation.encodePointer());
        long[] args = {new MemoryOpCommand(r.op(), 0).encode(), struct.reference().value()};
        return new SimplePreparedCall<>(HypercallNumber.MEMORY_OP, args, result -> {
            int done = Args.clamp(result, extents.length);
            long[] out = new long[done];
            if (done > 0) {
                byte[] bytes = new byte[done * MemoryReservation.EXTENT_SIZE];
                placedArray.read(0, bytes, 0, bytes.length);
                for (int i = 0; i < done; i++) {
                    out[i] = LittleEndian.u64(bytes, i * MemoryReservation.EXTENT_SIZE);
                }
            }
            return new ReservationOutcome(result, out);
        });
    }

    private PreparedCall<MulticallOutcome> prepareMulticall(ArgumentPlacement placement, MulticallRequest m) {
        List<PreparedCall<?>> calls = new ArrayList<>(m.calls().size());
        byte[] list = new byte[m.calls().size() * MulticallEntry.SIZE];
        for (int i = 0; i < m.calls().size(); i++) {
            PreparedCall<?> call = prepare(placement, m.calls().get(i));
            calls.add(call);
            MulticallEntry.of(call.op(), call.args()).encode(list, i * MulticallEntry.SIZE);
        }
        Placed placedList = placeIfAny(placement, list);
        long[] args = {word(placedList), calls.size()};
        return new SimplePreparedCall<>(HypercallNumber.MULTICALL, args, result -> {
            List<MulticallOutcome.Entry> entries = new ArrayList<>(calls.size());
            byte[] resultWord = new byte[8];
            for (int i = 0; i < calls.size(); i++) {
                placedList.read(i * MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET, resultWord, 0, 8);
                long entryResult = LittleEndian.u64(resultWord, 0);
                entries.add(new MulticallOutcome.Entry(entryResult, calls.get(i).complete(entryResult)));
            }
            return new MulticallOutcome(result, entries);
        });
    }

    private static PreparedCall<ConsoleReadOutcome> prepareConsoleRead(ArgumentPlacement placement, ConsoleReadRequest rd) {
        Placed buffer = placeIfAny(placement, new byte[rd.count()]);
        long[] args = {SubOps.ConsoleIo.READ, rd.count(), word(buffer)};
        return new SimplePreparedCall<>(HypercallNumber.CONSOLE_IO, args, result -> {
            byte[] bytes = new byte[Args.clamp(result, rd.count())];
            if (bytes.length > 0) {
                buffer.read(0, bytes, 0, bytes.length);
            }
            return new ConsoleReadOutcome(result, bytes);
        });
    }

    private static PreparedCall<DomainInfoListOutcome> prepareDomainInfoList(ArgumentPlacement placement, GetDomainInfoListRequest g) {
        Placed buffer = placeIfAny(placement, new byte[g.maxDomains() * DomainInfo.SIZE]);
        Placed struct = placement.place(SysctlGetDomainInfoList.request(g.firstDomain(), g.maxDomains(), word(buffer)).encodePointer());
        return new SimplePreparedCall<>(HypercallNumber.SYSCTL, new long[] {struct.reference().value()}, result -> {
            if (result < 0) {
                return new DomainInfoListOutcome(result, List.of());
            }
            byte[] num = new byte[4];
            struct.read(SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, num, 0, 4);
            int n = Args.clamp(LittleEndian.u32(num, 0), g.maxDomains());
            return new DomainInfoListOutcome(result, readRecords(buffer, 0, n));
        });
    }

    static List<DomainInfo> readRecords(Placed placed, int offset, int n) {
        if (n == 0) {
            return List.of();
        }
        byte[] records = new byte[n * DomainInfo.SIZE];
        placed.read(offset, records, 0, records.length);
        List<DomainInfo> infos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            infos.add(DomainInfo.decode(records, i * DomainInfo.SIZE));
        }
        return infos;
    }

    private static PreparedCall<ModifiedMemoryOutcome> prepareModifiedMemory(ArgumentPlacement placement, ModifiedMemoryRequest d) {
        List<ModifiedMemoryExtent> extents = d.extents();
        Placed op = placement.place(new ModifiedMemoryOp(extents.size(), 0).encode());
        List<DmOpBuf> bufs = new ArrayList<>(DmOp.MAX_BUFS);
        bufs.add(new DmOpBuf(op.reference().value(), ModifiedMemoryOp.SIZE));
        if (!extents.isEmpty()) {
            byte[] array = new byte[extents.size() * ModifiedMemoryExtent.SIZE];
            for (int i = 0; i < extents.size(); i++) {
                extents.get(i).encode(array, i * ModifiedMemoryExtent.SIZE);
            }
            Placed placedExtents = placement.place(array);
            bufs.add(new DmOpBuf(placedExtents.reference().value(), array.length));
        }
        Placed placedBufs = placement.place(DmOpBuf.encodeArray(bufs));
        long[] args = {d.domid(), bufs.size(), placedBufs.reference().value()};
        return new SimplePreparedCall<>(HypercallNumber.DM_OP, args, result -> new ModifiedMemoryOutcome(result, readOp(op, 0)));
    }

    /** Reads the operation back without judging it (the guest reads what the hypervisor left). */
    static ModifiedMemoryOp readOp(Placed placed, int offset) {
        byte[] bytes = new byte[ModifiedMemoryOp.SIZE];
        placed.read(offset, bytes, 0, bytes.length);
        return new ModifiedMemoryOp(LittleEndian.u32Bits(bytes, ModifiedMemoryOp.NR_EXTENTS_OFFSET),
                LittleEndian.u32Bits(bytes, ModifiedMemoryOp.OPAQUE_OFFSET));
    }

    // ---- hypervisor side ----

    @Override
    public ReservationArguments memoryReservation(GuestCopy guest, long[] args) {
        MemoryOpCommand command = MemoryOpCommand.decode(Args.word(args, 0));
        if (!MemoryOpCommand.isReservationOp(command.op())) {
            throw new XenException(XenErrno.ENOSYS, "memory_op " + command.op() + " is not a reservation operation");
        }
        long argument = Args.word(args, 1);
        byte[] copy = new byte[MemoryReservation.SIZE];
        Region.copyIn(guest, copy, 0, new MemoryReference(argument), 0, copy.length);
        MemoryReservation reservation = MemoryReservation.decodePointer(copy);
        ReservationLimits.checkCounts(reservation.nrExtents(), command.startExtent());
        return new ReservationView(command, reservation, Region.guest(guest, new MemoryReference(reservation.extentStart())), 0, argument);
    }

    @Override
    public MulticallArguments multicall(GuestCopy guest, long[] args) {
        long nrCalls = Args.u32(args, 1);
        long start = Args.word(args, 2);
        if (Long.compareUnsigned(start, nrCalls) > 0) {
            throw new XenException(XenErrno.EINVAL, "multicall resumes at " + Long.toUnsignedString(start) + " of " + nrCalls);
        }
        if (nrCalls > Integer.MAX_VALUE) {
            // Xen's guest_handle_okay(call_list, nr_calls) refuses a list of this size (128 GiB and up).
            throw new XenException(XenErrno.EFAULT, "a call list of " + nrCalls + " entries");
        }
        long list = Args.word(args, 0);
        return new MulticallView(Region.guest(guest, new MemoryReference(list)), 0, (int) nrCalls, (int) start, list);
    }

    @Override
    public ConsoleIoArguments consoleIo(GuestCopy guest, long[] args) {
        ConsoleHead head = ConsoleHead.decode(args);
        long buffer = Args.word(args, 2);
        // guest_handle_okay on the whole buffer before any chunk moves: a range that wraps past the
        // top of the address space is refused as a whole, never copied up to the wrap.
        if (!guest.accessOk(new MemoryReference(buffer), 0, head.count())) {
            throw new XenException(XenErrno.EFAULT, "console buffer 0x" + Long.toHexString(buffer) + "+" + head.count() + " refused by access_ok");
        }
        return new ConsoleView(head.cmd(), head.count(), head.done(), Region.guest(guest, new MemoryReference(buffer)), 0, buffer);
    }

    @Override
    public GetDomainInfoListArguments sysctlGetDomainInfoList(GuestCopy guest, long[] args) {
        MemoryReference ref = new MemoryReference(Args.word(args, 0));
        byte[] copy = new byte[SysctlGetDomainInfoList.SIZE];
        Region.copyIn(guest, copy, 0, ref, 0, copy.length);
        SysctlGetDomainInfoList op = SysctlGetDomainInfoList.decodePointer(copy);
        return new PointerDomainInfoList(guest, ref, copy, op);
    }

    @Override
    public DmOpArguments dmOp(GuestCopy guest, long[] args) {
        long nrBufs = Args.u32(args, 1);
        if (nrBufs > DmOp.MAX_BUFS) {
            throw new XenException(XenErrno.E2BIG, nrBufs + " dm_op buffers, at most " + DmOp.MAX_BUFS);
        }
        byte[] copy = new byte[(int) nrBufs * DmOpBuf.SIZE];
        Region.copyIn(guest, copy, 0, new MemoryReference(Args.word(args, 2)), 0, copy.length);
        return new PointerDmOp(guest, (int) (Args.word(args, 0) & 0xFFFF), DmOpBuf.decodeArray(copy),
                new long[] {Args.word(args, 0), Args.word(args, 1), Args.word(args, 2)});
    }

    /** The checks console_io makes on its words, shared by both forms. */
    record ConsoleHead(int cmd, long count, long done) {
        static ConsoleHead decode(long[] args) {
            long cmd = Args.u32(args, 0);
            if (cmd != SubOps.ConsoleIo.WRITE && cmd != SubOps.ConsoleIo.READ) {
                throw new XenException(XenErrno.ENOSYS, "console_io command " + cmd);
            }
            long count = Args.u32(args, 1);
            if (cmd == SubOps.ConsoleIo.READ && count > ConsoleIo.MAX_READ_COUNT) {
                throw new XenException(XenErrno.E2BIG, "console read of " + count + " bytes");
            }
            long done = Args.word(args, 3);
            if (Long.compareUnsigned(done, count) > 0) {
                throw new XenException(XenErrno.EINVAL, "console progress " + Long.toUnsignedString(done) + " beyond count " + count);
            }
            return new ConsoleHead((int) cmd, count, done);
        }
    }

    private static final class PointerDomainInfoList implements GetDomainInfoListArguments {
        private final GuestCopy guest;
        private final MemoryReference ref;
        private final byte[] copy;
        private final SysctlGetDomainInfoList op;
        private final MemoryReference buffer;
        private final byte[] record = new byte[DomainInfo.SIZE];

        PointerDomainInfoList(GuestCopy guest, MemoryReference ref, byte[] copy, SysctlGetDomainInfoList op) {
            this.guest = guest;
            this.ref = ref;
            this.copy = copy;
            this.op = op;
            this.buffer = new MemoryReference(op.buffer());
        }

        @Override
        public int firstDomain() {
            return op.firstDomain();
        }

        @Override
        public long maxDomains() {
            return op.maxDomainsUnsigned();
        }

        @Override
        public void writeDomainInfo(int index, DomainInfo info) {
            Args.checkIndex(index, maxDomains(), "domain record");
            info.encode(record, 0);
            Region.copyOut(guest, buffer, (long) index * DomainInfo.SIZE, record, 0, record.length);
        }

        @Override
        public void finish(int numDomains) {
            if (numDomains < 0 || numDomains > maxDomains()) {
                throw new IllegalArgumentException("num_domains out of range: " + numDomains);
            }
            // Xen copies its whole copy of the structure back, the guest's other bytes unchanged.
            LittleEndian.putU32(copy, SysctlGetDomainInfoList.NUM_DOMAINS_OFFSET, numDomains);
            Region.copyOut(guest, ref, 0, copy, 0, copy.length);
        }
    }

    private static final class PointerDmOp implements DmOpArguments {
        private final GuestCopy guest;
        private final int domid;
        private final List<DmOpBuf> bufs;
        private final long[] args;

        PointerDmOp(GuestCopy guest, int domid, List<DmOpBuf> bufs, long[] args) {
            this.guest = guest;
            this.domid = domid;
            this.bufs = bufs;
            this.args = args;
        }

        @Override
        public int domid() {
            return domid;
        }

        private DmOpBuf buf(int index, long offset, int length) {
            if (index >= bufs.size()) {
                throw new XenException(XenErrno.EFAULT, "dm_op buffer " + index + " not given");
            }
            DmOpBuf buf = bufs.get(index);
            if (offset < 0 || Long.compareUnsigned(buf.size(), offset + length) < 0) {
                throw new XenException(XenErrno.EFAULT, "dm_op buffer " + index + " of " + Long.toUnsignedString(buf.size())
                        + " bytes has no " + length + " bytes at " + offset);
            }
            return buf;
        }

        @Override
        public ModifiedMemoryOp readOp() {
            byte[] bytes = new byte[ModifiedMemoryOp.SIZE];
            DmOpBuf op = buf(0, 0, DmOp.HEADER_SIZE);
            Region.copyIn(guest, bytes, 0, new MemoryReference(op.handle()), 0, DmOp.HEADER_SIZE);
            if (LittleEndian.u32(bytes, ModifiedMemoryOp.OP_OFFSET) != DmOp.MODIFIED_MEMORY) {
                throw new XenException(XenErrno.EOPNOTSUPP, "dm_op " + LittleEndian.u32(bytes, 0) + " is not modelled");
            }
            buf(0, 0, ModifiedMemoryOp.SIZE);
            Region.copyIn(guest, bytes, DmOp.HEADER_SIZE, new MemoryReference(op.handle()), DmOp.HEADER_SIZE,
                    ModifiedMemoryOp.SIZE - DmOp.HEADER_SIZE);
            return ModifiedMemoryOp.decode(bytes, 0);
        }

        @Override
        public long extentCapacity() {
            return bufs.size() > DmOp.EXTENTS_BUFFER
                    ? Long.divideUnsigned(bufs.get(DmOp.EXTENTS_BUFFER).size(), ModifiedMemoryExtent.SIZE)
                    : 0;
        }

        @Override
        public ModifiedMemoryExtent readExtent(long index) {
            if (index < 0 || index >= extentCapacity()) {
                throw new XenException(XenErrno.EFAULT, "extent " + index + " beyond buffer 1");
            }
            DmOpBuf buf = buf(DmOp.EXTENTS_BUFFER, index * ModifiedMemoryExtent.SIZE, ModifiedMemoryExtent.SIZE);
            byte[] bytes = new byte[ModifiedMemoryExtent.SIZE];
            Region.copyIn(guest, bytes, 0, new MemoryReference(buf.handle()), index * ModifiedMemoryExtent.SIZE, bytes.length);
            return ModifiedMemoryExtent.decode(bytes, 0);
        }

        @Override
        public void writeOp(ModifiedMemoryOp op) {
            DmOpBuf buf = buf(0, 0, ModifiedMemoryOp.SIZE);
            Region.copyOut(guest, new MemoryReference(buf.handle()), 0, op.encode(), 0, ModifiedMemoryOp.SIZE);
        }

        @Override
        public long[] continuationArgs() {
            return args.clone();
        }
    }
}
