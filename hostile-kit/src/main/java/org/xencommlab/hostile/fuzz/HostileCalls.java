package org.xencommlab.hostile.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.xencomm.BufferSlice;

/**
 * The generator: from one call's random stream, a hostile call of one of these families, issued
 * by the {@link Attacker}:
 * <ul>
 *   <li>{@code raw}: any hypercall number (the table's, past it, negative) with interesting words;</li>
 *   <li>{@code corrupted}: a valid request placed by the run's strategy, then one 8-byte field of
 *       its memory or one argument word replaced (one call in eight is left valid);</li>
 *   <li>{@code tool}: through privcmd, with the tool's buffers, stale and forged references;</li>
 *   <li>{@code foreign}: the words of a handle, another domain's id and its canary frame, in any order;</li>
 *   <li>{@code bufid} (ppc): forged bufids (any generation and index) and stale ones, with offsets;</li>
 *   <li>{@code descriptor}: xencomm descriptors with bad magic, a header across a page end,
 *       huge counts, entries naming other domains' frames or the top of memory;</li>
 *   <li>{@code huge}: huge extent orders and counts, console lengths, multicall sizes;</li>
 *   <li>{@code continuation}: memory_op's progress ({@code start_extent}) past the list, a
 *       continued multicall's list advanced anywhere;</li>
 *   <li>{@code nested}: multicalls whose entries are multicalls, down to themselves.</li>
 * </ul>
 * Deterministic: the same stream and the same attacker state give the same call.
 */
public final class HostileCalls {
    private static final String[] FAMILIES = {"raw", "corrupted", "corrupted", "corrupted", "tool", "foreign",
        "bufid", "descriptor", "huge", "continuation", "nested", "raw"};
    private static final int[] KNOWN_OPS = {HypercallNumber.MEMORY_OP, HypercallNumber.MULTICALL,
        HypercallNumber.XEN_VERSION, HypercallNumber.CONSOLE_IO, HypercallNumber.SYSCTL, HypercallNumber.DM_OP,
        HypercallNumber.ARCH_0, HypercallNumber.GRANT_TABLE_OP, HypercallNumber.DOMCTL};

    private final Attacker attacker;

    public HostileCalls(Attacker attacker) {
        this.attacker = attacker;
    }

    /** Generates and issues one call from {@code r}. */
    public HostileCall issue(SplittableRandom r) {
        String family = FAMILIES[r.nextInt(FAMILIES.length)];
        return switch (family) {
            case "corrupted" -> corrupted(r);
            case "tool" -> tool(r);
            case "foreign" -> foreign(r);
            case "bufid" -> attacker.isPpc() ? bufid(r) : raw(r, "raw");
            case "descriptor" -> descriptor(r);
            case "huge" -> huge(r);
            case "continuation" -> continuation(r);
            case "nested" -> nested(r);
            default -> raw(r, "raw");
        };
    }

    private long op(SplittableRandom r) {
        int pick = r.nextInt(10);
        if (pick < 6) {
            return KNOWN_OPS[r.nextInt(KNOWN_OPS.length)];
        } else if (pick < 9) {
            return r.nextInt(0, HypercallNumber.TABLE_SIZE);
        }
        return r.nextBoolean() ? r.nextLong() : r.nextInt(-2, 70);
    }

    private long[] words(SplittableRandom r, int max) {
        long[] args = new long[r.nextInt(max + 1)];
        for (int i = 0; i < args.length; i++) {
            args[i] = attacker.word(r);
        }
        return args;
    }

    private HostileCall kernelCall(String family, long op, long[] args) {
        return new HostileCall(family, op, args, attacker.issueFromKernel(op, args));
    }

    private HostileCall raw(SplittableRandom r, String family) {
        long op = op(r);
        long[] args = words(r, 6);
        if (args.length > 0 && r.nextInt(3) == 0) {
            args[0] = r.nextInt(0, 12); // a plausible sub-op
        }
        return kernelCall(family, op, args);
    }

    /** A request of some hypercall, valid as built, in the attacker's arena when placed. */
    private HypercallRequest<?> request(SplittableRandom r, int depth) {
        int self = ReservationRequest.DOMID_SELF;
        switch (r.nextInt(depth > 0 ? 6 : 7)) {
            case 0:
                return ReservationRequest.increase(r.nextInt(0, 9), r.nextInt(0, 3), r.nextInt(4) == 0 ? attacker.domid() : self);
            case 1: {
                long[] extents = new long[r.nextInt(1, 5)];
                for (int i = 0; i < extents.length; i++) {
                    extents[i] = r.nextBoolean() ? attacker.ownFrame(r)
                            : attacker.honestAddress(r) >>> attacker.pageSize().shift();
                }
                int op = r.nextBoolean() ? SubOps.MemoryOp.DECREASE_RESERVATION : SubOps.MemoryOp.POPULATE_PHYSMAP;
                int domid = r.nextInt(3) == 0 ? (int) attacker.domidWord(r) & 0xFFFF : self;
                return new ReservationRequest(op, extents, r.nextInt(0, 2), 0, domid);
            }
            case 2: {
                byte[] bytes = new byte[r.nextInt(1, 300)];
                r.nextBytes(bytes);
                return new ConsoleWriteRequest(bytes);
            }
            case 3:
                return new ConsoleReadRequest(r.nextInt(1, 600));
            case 4:
                return new GetDomainInfoListRequest(r.nextInt(0, 4), r.nextInt(1, 8));
            case 5:
                return new ModifiedMemoryRequest(attacker.honestDomid(r), List.of(new ModifiedMemoryExtent(r.nextInt(1, 4),
                        attacker.honestAddress(r) >>> attacker.pageSize().shift())));
            default: {
                List<HypercallRequest<?>> calls = new ArrayList<>();
                int n = r.nextInt(1, 4);
                for (int i = 0; i < n; i++) {
                    calls.add(request(r, depth + 1));
                }
                return new MulticallRequest(calls);
            }
        }
    }

    private HostileCall corrupted(SplittableRandom r) {
        HypercallRequest<?> request = request(r, 0);
        PreparedCall<?> call;
        try {
            call = attacker.place(request);
        } catch (XenException | IllegalArgumentException e) {
            return raw(r, "unplaceable-" + e.getClass().getSimpleName() + (e instanceof XenException x ? "-" + x.errno() : ""));
        }
        long[] args = call.args();
        int placed = attacker.placedBytes();
        int what = r.nextInt(8);
        if (what < 5 && placed >= 8) {
            int offset = r.nextInt(placed / 8) * 8;
            byte[] field = new byte[r.nextInt(4) == 0 ? 4 : 8];
            long value = attacker.word(r);
            for (int i = 0; i < field.length; i++) {
                field[i] = (byte) (value >>> (8 * i));
            }
            attacker.writeArena(offset, field);
        } else if (what < 7 && args.length > 0) {
            args[r.nextInt(args.length)] = attacker.word(r);
        }
        return kernelCall("corrupted", call.op(), args);
    }

    private HostileCall tool(SplittableRandom r) {
        List<BufferSlice> slices = attacker.slices();
        if (slices.isEmpty()) {
            return raw(r, "raw");
        }
        BufferSlice slice = slices.get(r.nextInt(slices.size()));
        byte[] bytes = new byte[Math.min(slice.length(), r.nextInt(1, 256))];
        r.nextBytes(bytes);
        attacker.writeTool(slice.userAddress(), bytes);
        long ref = r.nextInt(3) == 0 ? attacker.reference(r) : slice.reference().value() + r.nextInt(0, slice.length());
        long[] args;
        int op;
        switch (r.nextInt(4)) {
            case 0 -> {
                op = HypercallNumber.CONSOLE_IO;
                args = new long[] {r.nextInt(0, 3), r.nextInt(4) == 0 ? attacker.word(r) : r.nextInt(0, bytes.length + 64), ref};
            }
            case 1 -> {
                op = HypercallNumber.MULTICALL;
                byte[] list = new byte[MulticallEntry.SIZE * 2];
                for (int i = 0; i < 2; i++) {
                    MulticallEntry.of(op(r), attacker.word(r), attacker.word(r), attacker.word(r)).encode(list, i * MulticallEntry.SIZE);
                }
                attacker.writeTool(slice.userAddress(), java.util.Arrays.copyOf(list, Math.min(list.length, slice.length())));
                args = new long[] {slice.reference().value(), r.nextInt(0, 4)};
            }
            case 2 -> {
                op = HypercallNumber.MEMORY_OP;
                args = new long[] {r.nextInt(0, 12), ref};
            }
            default -> {
                op = (int) op(r) & 0x3F;
                args = words(r, 5);
            }
        }
        return new HostileCall("tool", op, args, attacker.issueFromTool(op, args));
    }

    private HostileCall foreign(SplittableRandom r) {
        long[] parts = {attacker.reference(r), attacker.honestDomid(r), attacker.honestAddress(r) >>> attacker.pageSize().shift(),
            r.nextInt(1, 4097), r.nextInt(0, 2)};
        for (int i = parts.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = parts[i];
            parts[i] = parts[j];
            parts[j] = t;
        }
        long op = r.nextInt(3) == 0 ? r.nextInt(0, HypercallNumber.TABLE_SIZE) : KNOWN_OPS[r.nextInt(KNOWN_OPS.length)];
        return kernelCall("foreign", op, parts);
    }

    private HostileCall bufid(SplittableRandom r) {
        long bufid;
        if (r.nextBoolean()) {
            // Any generation (0 included, and past the largest) and any index, at any offset.
            bufid = (r.nextLong(0, 1L << 19) << 44) | (r.nextLong(0, 1L << 20) << 24) | r.nextLong(0, 1L << 24);
        } else {
            long ref = attacker.reference(r);
            bufid = ref + ((long) r.nextInt(-2, 3) << 44) + ((long) r.nextInt(-2, 3) << 24);
        }
        long[] args = r.nextBoolean()
                ? new long[] {SubOps.ConsoleIo.WRITE, r.nextInt(1, 128), bufid}
                : new long[] {SubOps.MemoryOp.DECREASE_RESERVATION, bufid};
        int op = args.length == 3 ? HypercallNumber.CONSOLE_IO : HypercallNumber.MEMORY_OP;
        return r.nextBoolean() ? kernelCall("bufid", op, args) : new HostileCall("bufid", op, args, attacker.issueFromTool(op, args));
    }

    private HostileCall descriptor(SplittableRandom r) {
        int page = attacker.pageSize().bytes();
        int offset = switch (r.nextInt(4)) {
            case 0 -> page - 4;                       // the header crosses the page end
            case 1 -> page - 8 - r.nextInt(0, 3) * 8;  // entries cross it
            case 2 -> r.nextInt(0, 2 * page / 8) * 8 + (r.nextInt(8) == 0 ? 1 : 0);
            default -> 0;
        };
        int entries = r.nextInt(0, 6);
        ByteBuffer bytes = ByteBuffer.allocate(8 + 8 * entries).order(ByteOrder.BIG_ENDIAN);
        int magic = switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 0x58434F4D ^ (1 << r.nextInt(32));
            default -> 0x58434F4D;
        };
        long count = switch (r.nextInt(5)) {
            case 0 -> 0xFFFF_FFFFL;
            case 1 -> (1L << 16) + r.nextInt(0, 3);
            case 2 -> r.nextInt(0, 1 << 20);
            default -> entries;
        };
        bytes.putInt(magic).putInt((int) count);
        for (int i = 0; i < entries; i++) {
            long address = switch (r.nextInt(5)) {
                case 0 -> attacker.honestAddress(r) + r.nextInt(0, 64);
                case 1 -> -1L;
                case 2 -> attacker.word(r);
                default -> attacker.arenaPhysical() + 2L * page + r.nextInt(0, page);
            };
            bytes.putLong(address);
        }
        attacker.writeArena(offset, bytes.array());
        long ref = attacker.arenaPhysical() + offset;
        long[] args = switch (r.nextInt(3)) {
            case 0 -> new long[] {SubOps.ConsoleIo.WRITE, r.nextInt(1, 2 * page), ref};
            case 1 -> new long[] {SubOps.ConsoleIo.READ, r.nextInt(1, 64), ref};
            default -> new long[] {ref, r.nextInt(1, 4)};
        };
        int op = args.length == 2 ? HypercallNumber.MULTICALL : HypercallNumber.CONSOLE_IO;
        return kernelCall("descriptor", op, args);
    }

    private HostileCall huge(SplittableRandom r) {
        long big = switch (r.nextInt(5)) {
            case 0 -> Integer.MAX_VALUE;
            case 1 -> 0xFFFF_FFFFL;
            case 2 -> Long.MAX_VALUE;
            case 3 -> 1L << r.nextInt(20, 63);
            default -> -1L;
        };
        return switch (r.nextInt(4)) {
            case 0 -> {
                // A reservation with a huge order or count, written over a valid structure.
                PreparedCall<?> call = attacker.place(ReservationRequest.increase(1, 0, ReservationRequest.DOMID_SELF));
                int placed = attacker.placedBytes();
                byte[] word = new byte[8];
                LittleEndian.putU64(word, 0, big);
                attacker.writeArena(r.nextInt(Math.max(1, placed / 8)) * 8, word);
                yield kernelCall("huge", call.op(), call.args());
            }
            case 1 -> kernelCall("huge", HypercallNumber.MULTICALL, new long[] {attacker.arenaReference(), big});
            case 2 -> kernelCall("huge", HypercallNumber.CONSOLE_IO, new long[] {SubOps.ConsoleIo.WRITE, big, attacker.reference(r)});
            default -> kernelCall("huge", HypercallNumber.MEMORY_OP,
                    new long[] {SubOps.MemoryOp.INCREASE_RESERVATION | (big << SubOps.MemoryOp.EXTENT_SHIFT), attacker.arenaReference()});
        };
    }

    private HostileCall continuation(SplittableRandom r) {
        ReservationRequest request = r.nextBoolean()
                ? ReservationRequest.increase(r.nextInt(1, 6), 0, ReservationRequest.DOMID_SELF)
                : new ReservationRequest(SubOps.MemoryOp.DECREASE_RESERVATION, new long[] {attacker.ownFrame(r)}, 0, 0,
                        ReservationRequest.DOMID_SELF);
        PreparedCall<?> call = attacker.place(request);
        long[] args = call.args();
        if (call.op() == HypercallNumber.MEMORY_OP && args.length > 0) {
            long start = switch (r.nextInt(4)) {
                case 0 -> request.nrExtents();
                case 1 -> request.nrExtents() + 1L;
                case 2 -> (1L << 58) - 1;
                default -> r.nextInt(0, 8);
            };
            long sub = MemoryOpCommand.decode(args[0]).op();
            args[0] = sub | (start << SubOps.MemoryOp.EXTENT_SHIFT);
        }
        for (int i = 1; i < args.length; i++) {
            if (r.nextInt(4) == 0) {
                args[i] = attacker.word(r); // a strategy's own progress words, tampered
            }
        }
        if (r.nextInt(3) == 0) {
            // A "continued" multicall: the list advanced to anywhere.
            return kernelCall("continuation", HypercallNumber.MULTICALL,
                    new long[] {attacker.arenaReference() + 64L * r.nextInt(-4, 300), r.nextInt(0, 8)});
        }
        return kernelCall("continuation", call.op(), args);
    }

    private HostileCall nested(SplittableRandom r) {
        if (r.nextBoolean()) {
            try {
                HypercallRequest<?> inner = new MulticallRequest(List.of(request(r, 1), request(r, 1)));
                PreparedCall<?> call = attacker.place(new MulticallRequest(List.of(inner, request(r, 1))));
                return kernelCall("nested", call.op(), call.args());
            } catch (XenException | IllegalArgumentException e) {
                // the strategy refuses to place a multicall in a multicall: build the list by hand
            }
        }
        // A raw pointer-form list in the arena whose entries are multicalls over the list itself.
        int n = r.nextInt(1, 5);
        byte[] list = new byte[n * MulticallEntry.SIZE];
        for (int i = 0; i < n; i++) {
            long target = attacker.arenaReference() + (long) MulticallEntry.SIZE * r.nextInt(0, n);
            MulticallEntry entry = r.nextInt(4) == 0
                    ? MulticallEntry.of(op(r), attacker.word(r), attacker.word(r))
                    : MulticallEntry.of(HypercallNumber.MULTICALL, target, r.nextInt(1, n + 2));
            entry.encode(list, i * MulticallEntry.SIZE);
        }
        attacker.writeArena(0, list);
        return kernelCall("nested", HypercallNumber.MULTICALL, new long[] {attacker.arenaReference(), n});
    }
}
