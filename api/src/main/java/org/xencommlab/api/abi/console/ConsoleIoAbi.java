package org.xencommlab.api.abi.console;

import java.util.List;
import java.util.Optional;
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
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;

/**
 * {@code console_io} write and read in each form: {@link ConsoleWriteRequest} and
 * {@link ConsoleReadRequest} on the guest side, {@link ConsoleIoArguments#KIND} on the hypervisor
 * side.
 */
public final class ConsoleIoAbi implements HypercallAbi {
    @Override
    public String name() {
        return "console_io";
    }

    /** {@code console_io(cmd, count, buffer)}: {@code buffer} names the bytes (or the block). */
    public static final int MEMORY_ARGUMENT = 2;

    @Override
    public int hypercall() {
        return HypercallNumber.CONSOLE_IO;
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
        return List.of(ConsoleWriteRequest.class, ConsoleReadRequest.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of(ConsoleIoArguments.KIND);
    }

    private static ConsoleReadOutcome readBytes(long result, int count, Placed placed, int offset) {
        byte[] bytes = new byte[ArgumentWords.clamp(result, count)];
        if (bytes.length > 0) {
            placed.read(offset, bytes, 0, bytes.length);
        }
        return new ConsoleReadOutcome(result, bytes);
    }

    /** The checks console_io makes on its words, the same in every form. */
    record ConsoleHead(int cmd, long count, long done) {
        static ConsoleHead decode(long[] args) {
            long cmd = ArgumentWords.u32(args, 0);
            if (cmd != SubOps.ConsoleIo.WRITE && cmd != SubOps.ConsoleIo.READ) {
                throw new XenException(XenErrno.ENOSYS, "console_io command " + cmd);
            }
            long count = ArgumentWords.u32(args, 1);
            if (cmd == SubOps.ConsoleIo.READ && count > ConsoleIo.MAX_READ_COUNT) {
                throw new XenException(XenErrno.E2BIG, "console read of " + count + " bytes");
            }
            long done = ArgumentWords.word(args, 3);
            if (Long.compareUnsigned(done, count) > 0) {
                throw new XenException(XenErrno.EINVAL, "console progress " + Long.toUnsignedString(done) + " beyond count " + count);
            }
            return new ConsoleHead((int) cmd, count, done);
        }
    }

    /** A bare buffer named by argument 2. */
    static final class Pointer implements PointerCodec {
        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            size.pieceIfAny(request instanceof ConsoleWriteRequest w ? w.count() : ((ConsoleReadRequest) request).count());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            if (request instanceof ConsoleWriteRequest w) {
                byte[] bytes = w.bytes();
                Placed buffer = bytes.length == 0 ? null : placement.place(bytes);
                return (PreparedCall<R>) new SimplePreparedCall<Long>(HypercallNumber.CONSOLE_IO,
                        new long[] {SubOps.ConsoleIo.WRITE, w.count(), word(buffer)}, result -> result);
            }
            ConsoleReadRequest rd = (ConsoleReadRequest) request;
            Placed buffer = rd.count() == 0 ? null : placement.place(new byte[rd.count()]);
            long[] args = {SubOps.ConsoleIo.READ, rd.count(), word(buffer)};
            return (PreparedCall<R>) new SimplePreparedCall<ConsoleReadOutcome>(HypercallNumber.CONSOLE_IO, args,
                    result -> readBytes(result, rd.count(), buffer, 0));
        }

        private static long word(Placed placed) {
            return placed == null ? MemoryReference.NULL.value() : placed.reference().value();
        }

        /** Write and read: {@code count} bytes; other commands name no buffer. */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            long cmd = ArgumentWords.u32(args, 0);
            if (cmd != SubOps.ConsoleIo.WRITE && cmd != SubOps.ConsoleIo.READ) {
                return Optional.of(List.of());
            }
            return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, HandleSite.bounded(ArgumentWords.u32(args, 1)), List.of())));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            ConsoleHead head = ConsoleHead.decode(args);
            long buffer = ArgumentWords.word(args, MEMORY_ARGUMENT);
            // guest_handle_okay on the whole buffer before any chunk moves: a range that wraps past the
            // top of the address space is refused as a whole, never copied up to the wrap.
            if (!guest.accessOk(new MemoryReference(buffer), 0, head.count())) {
                throw new XenException(XenErrno.EFAULT, "console buffer 0x" + Long.toHexString(buffer) + "+" + head.count()
                        + " refused by access_ok");
            }
            return kind.type().cast(new ConsoleView(head.cmd(), head.count(), head.done(),
                    ArgumentMemory.guest(guest, new MemoryReference(buffer)), 0, buffer));
        }
    }

    /** A console block: header, then the bytes. */
    static final class Embedded implements EmbeddedCodec {
        @Override
        @SuppressWarnings("unchecked")
        public <Q extends HypercallRequest<?>> List<Q> split(Q request, int maxBlock) {
            if (request instanceof ConsoleWriteRequest w) {
                return (List<Q>) w.split(ConsoleIo.maxBytes(maxBlock));
            }
            return (List<Q>) ((ConsoleReadRequest) request).split(ConsoleIo.maxBytes(maxBlock));
        }

        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            return ConsoleIo.DATA_OFFSET
                    + (long) (request instanceof ConsoleWriteRequest w ? w.count() : ((ConsoleReadRequest) request).count());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            if (request instanceof ConsoleWriteRequest w) {
                byte[] bytes = w.bytes();
                byte[] block = EmbeddedBlocks.fit(ConsoleIo.encodeBlock(bytes, 0, bytes.length), maxBlock, w);
                return (EmbeddedCall<R>) new EmbeddedCall<Long>(HypercallNumber.CONSOLE_IO,
                        new long[] {SubOps.ConsoleIo.WRITE, bytes.length, 0}, MEMORY_ARGUMENT, block, List.of(), (result, placed, base) -> result);
            }
            ConsoleReadRequest rd = (ConsoleReadRequest) request;
            byte[] block = EmbeddedBlocks.fit(ConsoleIo.encodeBlock(null, 0, rd.count()), maxBlock, rd);
            return (EmbeddedCall<R>) new EmbeddedCall<ConsoleReadOutcome>(HypercallNumber.CONSOLE_IO,
                    new long[] {SubOps.ConsoleIo.READ, rd.count(), 0}, MEMORY_ARGUMENT, block, List.of(),
                    (result, placed, base) -> readBytes(result, rd.count(), placed, base + ConsoleIo.DATA_OFFSET));
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            ConsoleHead head = ConsoleHead.decode(args);
            if (head.count() > ConsoleIo.maxBytes(maxBlock)) {
                throw new XenException(XenErrno.E2BIG, "console count " + head.count() + " exceeds one block of " + maxBlock);
            }
            long word = ArgumentWords.word(args, MEMORY_ARGUMENT);
            MemoryReference ref = new MemoryReference(word);
            byte[] block;
            if (head.cmd() == SubOps.ConsoleIo.WRITE) {
                block = EmbeddedBlocks.copy(guest, ref, BlockKind.CONSOLE_IO, maxBlock);
            } else {
                // A read needs the header only; the data area is written, never read.
                byte[] header = new byte[EmbeddedBlockHeader.SIZE];
                ArgumentMemory.copyIn(guest, header, 0, ref, 0, header.length);
                block = new byte[ConsoleIo.DATA_OFFSET + (int) head.count()];
                System.arraycopy(header, 0, block, 0, header.length);
            }
            ConsoleIo.checkBlockHeader(block, maxBlock, head.count());
            return kind.type().cast(new ConsoleView(head.cmd(), head.count(), head.done(),
                    ArgumentMemory.copiedBlock(guest, ref, block), ConsoleIo.DATA_OFFSET, word));
        }
    }
}
