package org.xencommlab.api.abi.strategy;

import java.util.Optional;
import org.xencommlab.api.abi.HandleSiteFinder;
import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.dmop.DmOpBlock;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.abi.sysctl.SysctlBlock;
import org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * The {@code embedded} strategy: no pointers anywhere. Each hypercall's data travels in one
 * contiguous block that starts with an {@link EmbeddedBlockHeader} (magic, version, kind, length)
 * and holds the fixed fields and the arrays inline; the argument word that holds a pointer in
 * Xen's ABI holds the block's reference instead. A block is at most {@link #maxBlock()} bytes
 * (default {@link EmbeddedBlockHeader#DEFAULT_MAX_BLOCK}); a larger request is split by the caller
 * ({@link #split}): an extent list into runs of {@link ReservationBlock#maxExtents(int)}, a console
 * write into pieces of {@link ConsoleIo#maxBytes(int)}, a domain list into rounds of
 * {@link SysctlBlock#maxDomains(int)}, dm_op extents into runs of {@link DmOpBlock#maxExtents(int)}.
 *
 * <p>A multicall is one placement too: the multicall block, then each sub-call's own block at an
 * 8-byte aligned offset; an entry's memory argument is a reference to its sub-block, made with
 * {@link Placed#referenceAt}. The whole placement is bounded by the maximum block size.
 *
 * <p>The hypervisor copies each block once (its header first, then the rest, never more than the
 * maximum), validates the copy and works from it; results go back into the guest's block.
 */
public final class EmbeddedStrategy implements ArgumentStrategy {
    public static final String NAME = "embedded";

    private final int maxBlock;

    /** A strategy whose blocks hold at most {@code maxBlock} bytes (see {@link EmbeddedBlockHeader#checkMaxBlock}). */
    public EmbeddedStrategy(int maxBlock) {
        this.maxBlock = EmbeddedBlockHeader.checkMaxBlock(maxBlock);
    }

    public EmbeddedStrategy() {
        this(EmbeddedBlockHeader.DEFAULT_MAX_BLOCK);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbiForm form() {
        return AbiForm.EMBEDDED;
    }

    /** The largest block this strategy makes or accepts, header included. */
    public int maxBlock() {
        return maxBlock;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> List<HypercallRequest<R>> split(HypercallRequest<R> request) {
        List<?> parts;
        if (request instanceof ReservationRequest r) {
            parts = r.split(ReservationBlock.maxExtents(maxBlock));
        } else if (request instanceof ConsoleWriteRequest w) {
            parts = w.split(ConsoleIo.maxBytes(maxBlock));
        } else if (request instanceof ConsoleReadRequest rd) {
            parts = rd.split(ConsoleIo.maxBytes(maxBlock));
        } else if (request instanceof GetDomainInfoListRequest g) {
            parts = List.of(new GetDomainInfoListRequest(g.firstDomain(), Math.min(g.maxDomains(), SysctlBlock.maxDomains(maxBlock))));
        } else if (request instanceof ModifiedMemoryRequest d) {
            parts = d.split(DmOpBlock.maxExtents(maxBlock));
        } else {
            parts = List.of(request);
        }
        return (List<HypercallRequest<R>>) parts;
    }

    // ---- guest side ----

    /** How to read one call's outcome from its block at {@code base} of the placement. */
    @FunctionalInterface
    private interface Completion<R> {
        R complete(long result, Placed placed, int base);
    }

    /**
     * One call encoded: its words (the block's reference goes in {@code refArg}), its bytes (its
     * block, and for a multicall the sub-blocks after it), and the places inside those bytes where
     * a reference to another offset of the same placement must be written once placed.
     */
    private record Encoded<R>(int op, long[] args, int refArg, byte[] bytes, List<int[]> patches, Completion<R> completion) {}

    @Override
    public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
        Encoded<R> encoded = encode(request);
        long[] args = encoded.args().clone();
        if (encoded.bytes() == null) {
            return new SimplePreparedCall<>(encoded.op(), args, result -> encoded.completion().complete(result, null, 0));
        }
        Placed placed = placement.place(encoded.bytes());
        byte[] word = new byte[8];
        for (int[] patch : encoded.patches()) {
            LittleEndian.putU64(word, 0, placed.referenceAt(patch[1]).value());
            placed.write(patch[0], word, 0, 8);
        }
        args[encoded.refArg()] = placed.reference().value();
        return new SimplePreparedCall<>(encoded.op(), args, result -> encoded.completion().complete(result, placed, 0));
    }

    private byte[] fit(byte[] block, HypercallRequest<?> request) {
        if (block.length > maxBlock) {
            throw new XenException(XenErrno.E2BIG, request + " needs a block of " + block.length + " bytes, the maximum is "
                    + maxBlock + "; split it");
        }
        return block;
    }

    @SuppressWarnings("unchecked")
    private <R> Encoded<R> encode(HypercallRequest<R> request) {
        if (request instanceof PlainCall p) {
            return (Encoded<R>) new Encoded<Long>(p.hypercall(), p.args(), -1, null, List.of(), (result, placed, base) -> result);
        }
        if (request instanceof ReservationRequest r) {
            return (Encoded<R>) encodeReservation(r);
        }
        if (request instanceof MulticallRequest m) {
            return (Encoded<R>) encodeMulticall(m);
        }
        if (request instanceof ConsoleWriteRequest w) {
            byte[] bytes = w.bytes();
            byte[] block = fit(ConsoleIo.encodeBlock(bytes, 0, bytes.length), w);
            return (Encoded<R>) new Encoded<Long>(HypercallNumber.CONSOLE_IO, new long[] {SubOps.ConsoleIo.WRITE, bytes.length, 0},
                    2, block, List.of(), (result, placed, base) -> result);
        }
        if (request instanceof ConsoleReadRequest rd) {
            byte[] block = fit(ConsoleIo.encodeBlock(null, 0, rd.count()), rd);
            return (Encoded<R>) new Encoded<ConsoleReadOutcome>(HypercallNumber.CONSOLE_IO, new long[] {SubOps.ConsoleIo.READ, rd.count(), 0},
                    2, block, List.of(), (result, placed, base) -> {
                        byte[] bytes = new byte[Args.clamp(result, rd.count())];
                        if (bytes.length > 0) {
                            placed.read(base + ConsoleIo.DATA_OFFSET, bytes, 0, bytes.length);
                        }
                        return new ConsoleReadOutcome(result, bytes);
                    });
        }
        if (request instanceof GetDomainInfoListRequest g) {
            if (g.maxDomains() > SysctlBlock.maxDomains(maxBlock)) {
                throw new XenException(XenErrno.E2BIG, "room for " + g.maxDomains() + " domains exceeds one block; split it");
            }
            byte[] block = SysctlBlock.encode(g.firstDomain(), g.maxDomains());
            return (Encoded<R>) new Encoded<DomainInfoListOutcome>(HypercallNumber.SYSCTL, new long[] {0}, 0, block, List.of(),
                    (result, placed, base) -> {
                        if (result < 0) {
                            return new DomainInfoListOutcome(result, List.of());
                        }
                        byte[] num = new byte[4];
                        placed.read(base + SysctlBlock.NUM_DOMAINS_OFFSET, num, 0, 4);
                        int n = Args.clamp(LittleEndian.u32(num, 0), g.maxDomains());
                        return new DomainInfoListOutcome(result, PointerStrategy.readRecords(placed, base + SysctlBlock.RECORDS_OFFSET, n));
                    });
        }
        if (request instanceof ModifiedMemoryRequest d) {
            List<ModifiedMemoryExtent> extents = d.extents();
            byte[] block = fit(DmOpBlock.encode(new ModifiedMemoryOp(extents.size(), 0), extents), d);
            return (Encoded<R>) new Encoded<ModifiedMemoryOutcome>(HypercallNumber.DM_OP, new long[] {d.domid(), 1, 0}, 2, block, List.of(),
                    (result, placed, base) -> new ModifiedMemoryOutcome(result, PointerStrategy.readOp(placed, base + DmOpBlock.OP_OFFSET)));
        }
        throw new IllegalArgumentException("unknown request type " + request.getClass().getName());
    }

    private Encoded<ReservationOutcome> encodeReservation(ReservationRequest r) {
        byte[] block = fit(ReservationBlock.encode(r), r);
        int n = r.nrExtents();
        return new Encoded<>(HypercallNumber.MEMORY_OP, new long[] {new MemoryOpCommand(r.op(), 0).encode(), 0}, 1, block, List.of(),
                (result, placed, base) -> {
                    int done = Args.clamp(result, n);
                    long[] out = new long[done];
                    if (done > 0) {
                        byte[] bytes = new byte[done * MemoryReservation.EXTENT_SIZE];
                        placed.read(base + ReservationBlock.EXTENTS_OFFSET, bytes, 0, bytes.length);
                        for (int i = 0; i < done; i++) {
                            out[i] = LittleEndian.u64(bytes, i * MemoryReservation.EXTENT_SIZE);
                        }
                    }
                    return new ReservationOutcome(result, out);
                });
    }

    private Encoded<MulticallOutcome> encodeMulticall(MulticallRequest m) {
        int nrCalls = m.calls().size();
        List<Encoded<?>> subs = new ArrayList<>(nrCalls);
        List<MulticallEntry> entries = new ArrayList<>(nrCalls);
        int[] subOffsets = new int[nrCalls];
        long total = MulticallBlock.ENTRIES_OFFSET + (long) nrCalls * MulticallEntry.SIZE;
        for (int i = 0; i < nrCalls; i++) {
            Encoded<?> sub = encode(m.calls().get(i));
            subs.add(sub);
            entries.add(MulticallEntry.of(sub.op(), sub.args()));
            if (sub.bytes() != null) {
                total = (total + 7) & ~7L;
                subOffsets[i] = (int) Math.min(total, Integer.MAX_VALUE);
                total += sub.bytes().length;
            }
        }
        if (total > maxBlock) {
            throw new XenException(XenErrno.E2BIG, "a multicall of " + nrCalls + " calls needs " + total
                    + " bytes, the maximum block is " + maxBlock);
        }
        byte[] bytes = new byte[(int) total];
        byte[] list = MulticallBlock.encode(entries);
        System.arraycopy(list, 0, bytes, 0, list.length);
        List<int[]> patches = new ArrayList<>();
        for (int i = 0; i < nrCalls; i++) {
            Encoded<?> sub = subs.get(i);
            if (sub.bytes() == null) {
                continue;
            }
            System.arraycopy(sub.bytes(), 0, bytes, subOffsets[i], sub.bytes().length);
            int argPosition = MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8 * sub.refArg();
            patches.add(new int[] {argPosition, subOffsets[i]});
            for (int[] patch : sub.patches()) {
                patches.add(new int[] {patch[0] + subOffsets[i], patch[1] + subOffsets[i]});
            }
        }
        return new Encoded<>(HypercallNumber.MULTICALL, new long[] {0, nrCalls}, 0, bytes, List.copyOf(patches),
                (result, placed, base) -> {
                    List<MulticallOutcome.Entry> outcomes = new ArrayList<>(nrCalls);
                    byte[] word = new byte[8];
                    for (int i = 0; i < nrCalls; i++) {
                        placed.read(base + MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET, word, 0, 8);
                        long entryResult = LittleEndian.u64(word, 0);
                        Object outcome = subs.get(i).completion().complete(entryResult, placed, base + subOffsets[i]);
                        outcomes.add(new MulticallOutcome.Entry(entryResult, outcome));
                    }
                    return new MulticallOutcome(result, outcomes);
                });
    }

    // ---- hypervisor side ----

    /** Copies a whole block: the header first (to learn and bound the length), then the rest. */
    private byte[] copyBlock(GuestCopy guest, MemoryReference ref, BlockKind kind) {
        byte[] header = new byte[EmbeddedBlockHeader.SIZE];
        Region.copyIn(guest, header, 0, ref, 0, header.length);
        EmbeddedBlockHeader decoded = EmbeddedBlockHeader.decode(header, 0, kind, maxBlock);
        byte[] block = new byte[decoded.length()];
        System.arraycopy(header, 0, block, 0, header.length);
        Region.copyIn(guest, block, header.length, ref, header.length, block.length - header.length);
        return block;
    }

    @Override
    public ReservationArguments memoryReservation(GuestCopy guest, long[] args) {
        MemoryOpCommand command = MemoryOpCommand.decode(Args.word(args, 0));
        if (!MemoryOpCommand.isReservationOp(command.op())) {
            throw new XenException(XenErrno.ENOSYS, "memory_op " + command.op() + " is not a reservation operation");
        }
        long argument = Args.word(args, 1);
        MemoryReference ref = new MemoryReference(argument);
        byte[] block = copyBlock(guest, ref, BlockKind.MEMORY_RESERVATION);
        MemoryReservation reservation = ReservationBlock.decode(block, maxBlock);
        ReservationLimits.checkCounts(reservation.nrExtents(), command.startExtent());
        return new ReservationView(command, reservation, Region.block(guest, ref, block), ReservationBlock.EXTENTS_OFFSET, argument);
    }

    @Override
    public MulticallArguments multicall(GuestCopy guest, long[] args) {
        long nrCalls = Args.u32(args, 1);
        long start = Args.word(args, 2);
        if (Long.compareUnsigned(start, nrCalls) > 0) {
            throw new XenException(XenErrno.EINVAL, "multicall resumes at " + Long.toUnsignedString(start) + " of " + nrCalls);
        }
        if (MulticallBlock.ENTRIES_OFFSET + nrCalls * MulticallEntry.SIZE > maxBlock) {
            throw new XenException(XenErrno.E2BIG, nrCalls + " multicall entries exceed the maximum block " + maxBlock);
        }
        long list = Args.word(args, 0);
        MemoryReference ref = new MemoryReference(list);
        byte[] block = copyBlock(guest, ref, BlockKind.MULTICALL);
        MulticallBlock.decode(block, maxBlock, nrCalls);
        return new MulticallView(Region.block(guest, ref, block), MulticallBlock.ENTRIES_OFFSET, (int) nrCalls, (int) start, list);
    }

    @Override
    public ConsoleIoArguments consoleIo(GuestCopy guest, long[] args) {
        PointerStrategy.ConsoleHead head = PointerStrategy.ConsoleHead.decode(args);
        if (head.count() > ConsoleIo.maxBytes(maxBlock)) {
            throw new XenException(XenErrno.E2BIG, "console count " + head.count() + " exceeds one block of " + maxBlock);
        }
        long word = Args.word(args, 2);
        MemoryReference ref = new MemoryReference(word);
        byte[] block;
        if (head.cmd() == SubOps.ConsoleIo.WRITE) {
            block = copyBlock(guest, ref, BlockKind.CONSOLE_IO);
        } else {
            // A read needs the header only; the data area is written, never read.
            byte[] header = new byte[EmbeddedBlockHeader.SIZE];
            Region.copyIn(guest, header, 0, ref, 0, header.length);
            block = new byte[ConsoleIo.DATA_OFFSET + (int) head.count()];
            System.arraycopy(header, 0, block, 0, header.length);
        }
        ConsoleIo.checkBlockHeader(block, maxBlock, head.count());
        return new ConsoleView(head.cmd(), head.count(), head.done(), Region.block(guest, ref, block), ConsoleIo.DATA_OFFSET, word);
    }

    @Override
    public GetDomainInfoListArguments sysctlGetDomainInfoList(GuestCopy guest, long[] args) {
        MemoryReference ref = new MemoryReference(Args.word(args, 0));
        byte[] fixed = new byte[SysctlBlock.RECORDS_OFFSET];
        Region.copyIn(guest, fixed, 0, ref, 0, fixed.length);
        SysctlGetDomainInfoList op = SysctlBlock.decodeFixed(fixed, maxBlock);
        return new GetDomainInfoListArguments() {
            private final byte[] record = new byte[DomainInfo.SIZE];

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
                Region.copyOut(guest, ref, SysctlBlock.recordOffset(index), record, 0, record.length);
            }

            @Override
            public void finish(int numDomains) {
                if (numDomains < 0 || numDomains > maxDomains()) {
                    throw new IllegalArgumentException("num_domains out of range: " + numDomains);
                }
                byte[] num = new byte[4];
                LittleEndian.putU32(num, 0, numDomains);
                Region.copyOut(guest, ref, SysctlBlock.NUM_DOMAINS_OFFSET, num, 0, 4);
            }
        };
    }

    @Override
    public DmOpArguments dmOp(GuestCopy guest, long[] args) {
        if (Args.u32(args, 1) != 1) {
            throw new XenException(XenErrno.EINVAL, "an embedded dm_op passes one block, not " + Args.u32(args, 1));
        }
        long word = Args.word(args, 2);
        MemoryReference ref = new MemoryReference(word);
        byte[] block = copyBlock(guest, ref, BlockKind.DM_OP);
        ModifiedMemoryOp op = DmOpBlock.decode(block, maxBlock);
        Region region = Region.block(guest, ref, block);
        long[] continuation = {Args.word(args, 0), Args.word(args, 1), word};
        int domid = (int) (Args.word(args, 0) & 0xFFFF);
        return new DmOpArguments() {
            @Override
            public int domid() {
                return domid;
            }

            @Override
            public ModifiedMemoryOp readOp() {
                return op;
            }

            @Override
            public long extentCapacity() {
                return DmOpBlock.extentCapacity(block);
            }

            @Override
            public ModifiedMemoryExtent readExtent(long index) {
                if (index < 0 || index >= extentCapacity()) {
                    throw new XenException(XenErrno.EFAULT, "extent " + index + " beyond the block");
                }
                byte[] bytes = new byte[ModifiedMemoryExtent.SIZE];
                region.read(DmOpBlock.extentOffset((int) index), bytes, 0, bytes.length);
                return ModifiedMemoryExtent.decode(bytes, 0);
            }

            @Override
            public void writeOp(ModifiedMemoryOp newOp) {
                region.write(DmOpBlock.OP_OFFSET, newOp.encode(), 0, ModifiedMemoryOp.SIZE);
            }

            @Override
            public long[] continuationArgs() {
                return continuation.clone();
            }
        };
    }

    /**
     * In the embedded form a user's arguments never name user memory: every block reaches the
     * hypervisor through the kernel, by a reference the kernel made. So every hypercall is known
     * and has no handle for a kernel to rewrite.
     */
    @Override
    public HandleSiteFinder handleSites() {
        return (op, args, reader) -> Optional.of(List.of());
    }
}
