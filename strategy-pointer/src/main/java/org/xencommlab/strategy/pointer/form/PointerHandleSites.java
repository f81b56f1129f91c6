package org.xencommlab.strategy.pointer.form;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.dmop.DmOp;
import org.xencommlab.api.abi.dmop.DmOpBuf;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/**
 * The handles of the pointer form, per hypercall, as Linux's xencomm whitelist knew them:
 * <ul>
 *   <li>{@code console_io} write/read: argument 2, {@code count} bytes; other commands have none;</li>
 *   <li>{@code memory_op} increase/decrease_reservation, populate_physmap: argument 1, the 32-byte
 *       reservation, with {@code extent_start} (field offset 0) naming {@code nr_extents * 8}
 *       bytes (0 bytes when {@code nr_extents} is beyond what Xen accepts: Xen refuses such a call
 *       without touching the array); current/maximum_reservation: argument 1, a 2-byte domid;</li>
 *   <li>{@code multicall}: argument 0, {@code nr_calls * 64} bytes, with the handles of each
 *       entry's own call nested in it (at the entry's argument words) for the calls listed here;
 *       an entry that is itself a multicall, or an unknown call, contributes none. The list is
 *       read one entry at a time;</li>
 *   <li>{@code sysctl}: argument 0, the 136-byte structure; for getdomaininfolist, its
 *       {@code buffer} (field offset 16) naming {@code max_domains * 104} bytes;</li>
 *   <li>{@code dm_op}: argument 2, {@code nr_bufs * 16} bytes, and each buffer's handle (field
 *       offset {@code 16 * i}) naming its {@code size}.</li>
 * </ul>
 * Any other hypercall or sub-operation is unknown (empty: the kernel answers ENOSYS).
 *
 * <p>It reads user memory only through the reader and never throws for any content: a count that
 * would make a handle name more than {@link #MAX_HANDLE_LENGTH} bytes, or more than two dm_op
 * buffers, is refused with {@link XenException} E2BIG, the errno the caller sees. An exception
 * from the reader itself (the address is not mapped) propagates unchanged.
 */
public final class PointerHandleSites implements HandleSiteFinder {
    /** The most bytes one handle may name (64 MiB): beyond it the call is refused with E2BIG. */
    public static final long MAX_HANDLE_LENGTH = 64L << 20;

    @Override
    public Optional<List<HandleSite>> find(int op, long[] args, MemoryReader reader) {
        switch (op) {
            case HypercallNumber.XEN_VERSION: {
                long cmd = ArgumentWords.u32(args, 0);
                if (cmd == SubOps.XenVersion.EXTRAVERSION) {
                    return Optional.of(List.of(HandleSite.argument(1, SubOps.XenVersion.EXTRAVERSION_LENGTH, List.of())));
                }
                if (cmd == SubOps.XenVersion.CAPABILITIES) {
                    return Optional.of(List.of(HandleSite.argument(1, SubOps.XenVersion.CAPABILITIES_LENGTH, List.of())));
                }
                return Optional.of(List.of()); // VERSION, PAGESIZE and the rest pass no buffer
            }
            case HypercallNumber.CONSOLE_IO: {
                long cmd = ArgumentWords.u32(args, 0);
                if (cmd != SubOps.ConsoleIo.WRITE && cmd != SubOps.ConsoleIo.READ) {
                    return Optional.of(List.of());
                }
                return Optional.of(List.of(HandleSite.argument(2, bounded(ArgumentWords.u32(args, 1)), List.of())));
            }
            case HypercallNumber.MEMORY_OP:
                return memoryOp(args, reader);
            case HypercallNumber.MULTICALL:
                return multicall(args, reader);
            case HypercallNumber.SYSCTL: {
                byte[] sysctl = new byte[SysctlGetDomainInfoList.SIZE];
                reader.read(ArgumentWords.word(args, 0), sysctl, 0, sysctl.length);
                List<HandleSite> nested = List.of();
                if (LittleEndian.u32(sysctl, SysctlGetDomainInfoList.CMD_OFFSET) == SubOps.Sysctl.GETDOMAININFOLIST) {
                    long room = LittleEndian.u32(sysctl, SysctlGetDomainInfoList.MAX_DOMAINS_OFFSET) * DomainInfo.SIZE;
                    nested = List.of(HandleSite.field(SysctlGetDomainInfoList.BUFFER_OFFSET, bounded(room), List.of()));
                }
                return Optional.of(List.of(HandleSite.argument(0, SysctlGetDomainInfoList.SIZE, nested)));
            }
            case HypercallNumber.DM_OP: {
                long nrBufs = ArgumentWords.u32(args, 1);
                if (nrBufs > DmOp.MAX_BUFS) {
                    throw new XenException(XenErrno.E2BIG, nrBufs + " dm_op buffers, at most " + DmOp.MAX_BUFS);
                }
                byte[] array = new byte[(int) nrBufs * DmOpBuf.SIZE];
                reader.read(ArgumentWords.word(args, 2), array, 0, array.length);
                List<HandleSite> nested = new ArrayList<>();
                for (int i = 0; i < nrBufs; i++) {
                    long size = LittleEndian.u64(array, i * DmOpBuf.SIZE + DmOpBuf.SIZE_OFFSET);
                    nested.add(HandleSite.field((long) i * DmOpBuf.SIZE + DmOpBuf.HANDLE_OFFSET, bounded(size), List.of()));
                }
                return Optional.of(List.of(HandleSite.argument(2, array.length, nested)));
            }
            default:
                return Optional.empty();
        }
    }

    /**
     * The entry array, with the handles of each entry's own call nested in it (as Linux's
     * xencomm multicall did for the calls it knew). An entry whose call is unknown, or is itself
     * a multicall, contributes none: the hypervisor refuses it on its own.
     */
    private Optional<List<HandleSite>> multicall(long[] args, MemoryReader reader) {
        long nrCalls = ArgumentWords.u32(args, 1);
        long length = bounded(nrCalls * MulticallEntry.SIZE);
        long list = ArgumentWords.word(args, 0);
        // One entry at a time: the user's nr_calls never sizes a kernel buffer, and an unmapped
        // list faults after one entry's read, not after allocating room for all of them.
        byte[] entry = new byte[MulticallEntry.SIZE];
        List<HandleSite> nested = new ArrayList<>();
        for (int i = 0; i < nrCalls; i++) {
            long base = (long) i * MulticallEntry.SIZE;
            reader.read(list + base, entry, 0, entry.length);
            long op = LittleEndian.u64(entry, MulticallEntry.OP_OFFSET);
            if (op == HypercallNumber.MULTICALL || op < 0 || op >= HypercallNumber.TABLE_SIZE) {
                continue;
            }
            long[] callArgs = new long[MulticallEntry.NR_ARGS];
            for (int a = 0; a < callArgs.length; a++) {
                callArgs[a] = LittleEndian.u64(entry, MulticallEntry.ARGS_OFFSET + 8 * a);
            }
            for (HandleSite site : find((int) op, callArgs, reader).orElse(List.of())) {
                nested.add(HandleSite.field(base + MulticallEntry.ARGS_OFFSET + 8L * site.argIndex(), site.length(), site.nested()));
            }
        }
        return Optional.of(List.of(HandleSite.argument(0, length, nested)));
    }

    private static Optional<List<HandleSite>> memoryOp(long[] args, MemoryReader reader) {
        MemoryOpCommand command = MemoryOpCommand.decode(ArgumentWords.word(args, 0));
        if (MemoryOpCommand.isReservationOp(command.op())) {
            byte[] reservation = new byte[MemoryReservation.SIZE];
            reader.read(ArgumentWords.word(args, 1), reservation, 0, reservation.length);
            long nrExtents = LittleEndian.u64(reservation, MemoryReservation.NR_EXTENTS_OFFSET);
            long length = Long.compareUnsigned(nrExtents, ReservationLimits.MAX_NR_EXTENTS) > 0
                    ? 0
                    : bounded(nrExtents * MemoryReservation.EXTENT_SIZE);
            return Optional.of(List.of(HandleSite.argument(1, MemoryReservation.SIZE,
                    List.of(HandleSite.field(MemoryReservation.EXTENT_START_OFFSET, length, List.of())))));
        }
        if (command.op() == SubOps.MemoryOp.CURRENT_RESERVATION || command.op() == SubOps.MemoryOp.MAXIMUM_RESERVATION) {
            return Optional.of(List.of(HandleSite.argument(1, 2, List.of())));
        }
        return Optional.empty();
    }

    private static long bounded(long length) {
        if (length < 0 || length > MAX_HANDLE_LENGTH) {
            throw new XenException(XenErrno.E2BIG, "a handle naming " + Long.toUnsignedString(length)
                    + " bytes exceeds " + MAX_HANDLE_LENGTH);
        }
        return length;
    }
}
