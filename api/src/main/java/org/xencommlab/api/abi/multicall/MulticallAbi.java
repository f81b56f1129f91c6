package org.xencommlab.api.abi.multicall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HandleSiteFinder.MemoryReader;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.codec.EmbeddedBlocks;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.FormCodec;
import org.xencommlab.api.abi.codec.HypercallAbi;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.codec.SimplePreparedCall;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.MemoryReference;

/**
 * {@code multicall} in each form: {@link MulticallRequest} on the guest side (its calls encoded
 * by the same strategy, through {@code SubCalls}), {@link MulticallArguments#KIND} on the
 * hypervisor side.
 */
public final class MulticallAbi implements HypercallAbi {
    @Override
    public String name() {
        return "multicall";
    }

    /** {@code multicall(call_list, nr_calls)}: {@code call_list} names the entries (or the block). */
    public static final int MEMORY_ARGUMENT = 0;

    @Override
    public int hypercall() {
        return HypercallNumber.MULTICALL;
    }

    @Override
    public int memoryArgument() {
        return MEMORY_ARGUMENT;
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of(new Pointer(), new Embedded());
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of(MulticallRequest.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of(MulticallArguments.KIND);
    }

    private static long resumeIndex(long[] args, long nrCalls) {
        long start = ArgumentWords.word(args, 2);
        if (Long.compareUnsigned(start, nrCalls) > 0) {
            throw new XenException(XenErrno.EINVAL, "multicall resumes at " + Long.toUnsignedString(start) + " of " + nrCalls);
        }
        return start;
    }

    /**
     * Xen's {@code guest_handle_okay(call_list, nr_calls)} in {@code do_multicall}
     * (xen/common/multicall.c): the entries still to run are checked as one range before the first
     * is read, so a list that wraps past the top of the address space runs none of its calls
     * instead of those before the wrap.
     *
     * @throws XenException EFAULT when {@link GuestCopy#accessOk} refuses the range
     */
    private static void checkCallList(GuestCopy guest, long list, long start, long nrCalls) {
        long offset = start * MulticallEntry.SIZE;
        long length = (nrCalls - start) * MulticallEntry.SIZE;
        if (!guest.accessOk(new MemoryReference(list), offset, length)) {
            throw new XenException(XenErrno.EFAULT, "call list 0x" + Long.toHexString(list) + "+" + Long.toHexString(offset)
                    + ", " + length + " bytes, refused by access_ok");
        }
    }

    /** An array of {@code multicall_entry}; each call's memory placed before the list. */
    static final class Pointer implements PointerCodec {
        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            MulticallRequest m = (MulticallRequest) request;
            for (HypercallRequest<?> call : m.calls()) {
                sub.measure(call, size);
            }
            size.pieceIfAny((long) m.calls().size() * MulticallEntry.SIZE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            MulticallRequest m = (MulticallRequest) request;
            List<PreparedCall<?>> calls = new ArrayList<>(m.calls().size());
            byte[] list = new byte[m.calls().size() * MulticallEntry.SIZE];
            for (int i = 0; i < m.calls().size(); i++) {
                PreparedCall<?> call = sub.prepare(placement, m.calls().get(i));
                calls.add(call);
                MulticallEntry.of(call.op(), call.args()).encode(list, i * MulticallEntry.SIZE);
            }
            Placed placedList = list.length == 0 ? null : placement.place(list);
            long[] args = {0, calls.size()};
            args[MEMORY_ARGUMENT] = placedList == null ? MemoryReference.NULL.value() : placedList.reference().value();
            return (PreparedCall<R>) new SimplePreparedCall<MulticallOutcome>(HypercallNumber.MULTICALL, args, result -> {
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

        /**
         * The entry array ({@code nr_calls * 64} bytes), with the handles of each entry's own call
         * nested in it at the entry's argument words, as Linux's xencomm multicall did for the
         * calls it knew. An entry whose call is unknown, or is itself a multicall, contributes none:
         * the hypervisor refuses it on its own. The list is read one entry at a time, so the tool's
         * {@code nr_calls} never sizes a kernel buffer and an unmapped list faults after one read.
         */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            long nrCalls = ArgumentWords.u32(args, 1);
            long length = HandleSite.bounded(nrCalls * MulticallEntry.SIZE);
            long list = ArgumentWords.word(args, MEMORY_ARGUMENT);
            byte[] entry = new byte[MulticallEntry.SIZE];
            List<HandleSite> sites = new ArrayList<>();
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
                for (HandleSite site : nested.find((int) op, callArgs, reader).orElse(List.of())) {
                    sites.add(HandleSite.field(base + MulticallEntry.ARGS_OFFSET + 8L * site.argIndex(), site.length(), site.nested()));
                }
            }
            return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, length, sites)));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            long nrCalls = ArgumentWords.u32(args, 1);
            long start = resumeIndex(args, nrCalls);
            if (nrCalls > Integer.MAX_VALUE) {
                // Xen's guest_handle_okay(call_list, nr_calls) refuses a list of this size (128 GiB and up).
                throw new XenException(XenErrno.EFAULT, "a call list of " + nrCalls + " entries");
            }
            long list = ArgumentWords.word(args, MEMORY_ARGUMENT);
            checkCallList(guest, list, start, nrCalls);
            return kind.type().cast(new MulticallView(ArgumentMemory.guest(guest, new MemoryReference(list)), 0, (int) nrCalls,
                    (int) start, list));
        }
    }

    /**
     * One placement: the multicall block, then each call's own block at an 8-byte aligned offset;
     * an entry's memory word is a reference to its sub-block, patched in once placed.
     */
    static final class Embedded implements EmbeddedCodec {
        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            MulticallRequest m = (MulticallRequest) request;
            long total = MulticallBlock.ENTRIES_OFFSET + (long) m.calls().size() * MulticallEntry.SIZE;
            for (HypercallRequest<?> call : m.calls()) {
                long bytes = sub.blockBytes(call);
                if (bytes > 0) {
                    total = ((total + 7) & ~7L) + bytes;
                }
            }
            return total;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            MulticallRequest m = (MulticallRequest) request;
            int nrCalls = m.calls().size();
            List<EmbeddedCall<?>> subs = new ArrayList<>(nrCalls);
            List<MulticallEntry> entries = new ArrayList<>(nrCalls);
            int[] subOffsets = new int[nrCalls];
            long total = MulticallBlock.ENTRIES_OFFSET + (long) nrCalls * MulticallEntry.SIZE;
            for (int i = 0; i < nrCalls; i++) {
                EmbeddedCall<?> encoded = sub.encode(m.calls().get(i));
                subs.add(encoded);
                entries.add(MulticallEntry.of(encoded.op(), encoded.args()));
                if (encoded.bytes() != null) {
                    total = (total + 7) & ~7L;
                    subOffsets[i] = (int) Math.min(total, Integer.MAX_VALUE);
                    total += encoded.bytes().length;
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
                EmbeddedCall<?> encoded = subs.get(i);
                if (encoded.bytes() == null) {
                    continue;
                }
                System.arraycopy(encoded.bytes(), 0, bytes, subOffsets[i], encoded.bytes().length);
                int argPosition = MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 8 * encoded.refArg();
                patches.add(new int[] {argPosition, subOffsets[i]});
                for (int[] patch : encoded.patches()) {
                    patches.add(new int[] {patch[0] + subOffsets[i], patch[1] + subOffsets[i]});
                }
            }
            return (EmbeddedCall<R>) new EmbeddedCall<MulticallOutcome>(HypercallNumber.MULTICALL, new long[] {0, nrCalls}, MEMORY_ARGUMENT, bytes,
                    patches, (result, placed, base) -> {
                        List<MulticallOutcome.Entry> outcomes = new ArrayList<>(nrCalls);
                        byte[] word = new byte[8];
                        for (int i = 0; i < nrCalls; i++) {
                            placed.read(base + MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET,
                                    word, 0, 8);
                            long entryResult = LittleEndian.u64(word, 0);
                            Object outcome = subs.get(i).completion().complete(entryResult, placed, base + subOffsets[i]);
                            outcomes.add(new MulticallOutcome.Entry(entryResult, outcome));
                        }
                        return new MulticallOutcome(result, outcomes);
                    });
        }

        /**
         * The memory words of the entries that fit in {@code block} (at most {@code nr_calls} of
         * them; every byte is the tool's, so the count is bounded by the block), for the calls
         * that name memory in this form; an entry that is itself a multicall is left for the
         * hypervisor to refuse.
         */
        @Override
        public int[] subBlockWords(byte[] block, long[] args, IntUnaryOperator memoryArguments) {
            long nrCalls = ArgumentWords.u32(args, 1);
            long fit = Math.max(0, (block.length - MulticallBlock.ENTRIES_OFFSET) / MulticallEntry.SIZE);
            int n = (int) Math.min(fit, nrCalls);
            int[] positions = new int[n];
            int found = 0;
            for (int i = 0; i < n; i++) {
                int entry = MulticallBlock.ENTRIES_OFFSET + i * MulticallEntry.SIZE;
                long op = LittleEndian.u64(block, entry + MulticallEntry.OP_OFFSET);
                int argument = op == HypercallNumber.MULTICALL || op < 0 || op > Integer.MAX_VALUE ? -1 : memoryArguments.applyAsInt((int) op);
                if (argument >= 0 && argument < MulticallEntry.NR_ARGS) {
                    positions[found++] = entry + MulticallEntry.ARGS_OFFSET + 8 * argument;
                }
            }
            return Arrays.copyOf(positions, found);
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            long nrCalls = ArgumentWords.u32(args, 1);
            long start = resumeIndex(args, nrCalls);
            if (MulticallBlock.ENTRIES_OFFSET + nrCalls * MulticallEntry.SIZE > maxBlock) {
                throw new XenException(XenErrno.E2BIG, nrCalls + " multicall entries exceed the maximum block " + maxBlock);
            }
            long list = ArgumentWords.word(args, MEMORY_ARGUMENT);
            MemoryReference ref = new MemoryReference(list);
            byte[] block = EmbeddedBlocks.copy(guest, ref, BlockKind.MULTICALL, maxBlock);
            MulticallBlock.decode(block, maxBlock, nrCalls);
            return kind.type().cast(new MulticallView(ArgumentMemory.copiedBlock(guest, ref, block), MulticallBlock.ENTRIES_OFFSET,
                    (int) nrCalls, (int) start, list));
        }
    }
}
