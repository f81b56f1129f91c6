package org.xencommlab.strategy.percpu.form;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.ToolArgumentMemory;
import org.xencommlab.api.abi.UserCall;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.codec.CodecRegistry;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.SimplePreparedCall;
import org.xencommlab.api.abi.codec.ToolBlocks;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;

/**
 * The {@code percpu-page} strategy: the embedded form's flat blocks (each hypercall's
 * {@link EmbeddedCodec}, no pointers), carried in the input and output pages each vCPU's kernel
 * set up once ({@link VcpuArgumentPages}), as Hyper-V's per-CPU hypercall input and output pages
 * and SEV-ES's GHCB are. Nothing is allocated, locked, registered or converted per call.
 *
 * <h2>A call</h2>
 * <ol>
 *   <li>The caller's room lends the pages of the vCPU the call runs on; taking them waits while
 *       another call of that vCPU holds them (counted as {@link #PAGE_WAITS}).</li>
 *   <li>The block (for a multicall, the block and its sub-blocks) is stored at byte 0 of the input
 *       page, and the output page starts as its image.</li>
 *   <li>The memory word names the input page. The hypervisor reads the request from the input page
 *       and writes results only to the output page: byte {@code i} of what it writes lands
 *       {@link #pageBytes()} bytes after byte {@code i} of the input page. Where a handler reads
 *       back progress it wrote itself in an earlier entry of the same call (dm_op's op, a
 *       multicall entry whose sub-call continues), the output page's bytes win over the input
 *       page's, so each read is two reads.</li>
 *   <li>The outcome is read from the output page; the pages are given back once it is read, and by
 *       the room at the latest, whatever happened.</li>
 * </ol>
 * One page bounds a call: a block is at most {@link #pageBytes()} bytes, and {@link #split} cuts a
 * larger request as the embedded form does for a block of that size.
 *
 * <p>A room that lends no pages (a test's in-memory guest, a tool's ordinary memory) gets the same
 * layout as one placement: the block, zeros to the end of a page, then the output image. That is
 * also how a tool lays out its call; the kernel's part ({@link #carryUserCall}) copies the tool's
 * block into the vCPU's input page and the output page back to the tool's output image.
 */
public final class PercpuPageStrategy implements ArgumentStrategy {
    public static final String NAME = "percpu-page";
    /** The page the lab's archs use. */
    public static final int DEFAULT_PAGE_BYTES = 4096;

    /** Calls that found their vCPU's argument pages busy and waited for them. */
    public static final Counter PAGE_WAITS = Counter.define("percpuPageWaits",
            "calls that found their vCPU's argument pages busy and waited for them", "waits");

    private final int pageBytes;
    private final CodecRegistry<EmbeddedCodec> codecs = CodecRegistry.of(EmbeddedCodec.class, HypercallAbis.all());
    private final EmbeddedCodec.SubCalls subCalls = new EmbeddedCodec.SubCalls() {
        @Override
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request) {
            return codecs.encoder(request).encode(request, pageBytes, this);
        }

        @Override
        public long blockBytes(HypercallRequest<?> request) {
            return codecs.encoder(request).blockBytes(request, pageBytes, this);
        }
    };

    /**
     * A strategy whose pages hold {@code pageBytes} bytes each; the kernel's pages must be that
     * size ({@link EmbeddedBlockHeader#checkMaxBlock}'s range).
     */
    public PercpuPageStrategy(int pageBytes) {
        this.pageBytes = EmbeddedBlockHeader.checkMaxBlock(pageBytes);
    }

    public PercpuPageStrategy() {
        this(DEFAULT_PAGE_BYTES);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbiForm form() {
        return AbiForm.EMBEDDED;
    }

    /** Bytes of each page, and so the largest block of one call. */
    public int pageBytes() {
        return pageBytes;
    }

    @Override
    public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return codecs.encoder(request).split(request, pageBytes);
    }

    // The block's bytes for one call: E2BIG above a page.
    private int blockBytes(HypercallRequest<?> request) {
        long bytes = subCalls.blockBytes(request);
        if (bytes > pageBytes) {
            throw new XenException(XenErrno.E2BIG, request + " needs " + bytes + " bytes, one page holds " + pageBytes
                    + "; split it");
        }
        return (int) bytes;
    }

    /**
     * For a room without pages of its own: the block, padding to a page, and the output image.
     * (A room that lends the vCPU's pages gets nothing placed in it.)
     */
    @Override
    public int argumentBytes(HypercallRequest<?> request) {
        int bytes = blockBytes(request);
        return bytes == 0 ? 0 : pageBytes + bytes;
    }

    @Override
    public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
        blockBytes(request);
        EmbeddedCall<R> encoded = subCalls.encode(request);
        long[] args = encoded.args();
        if (encoded.bytes() == null) {
            return new SimplePreparedCall<>(encoded.op(), args, result -> encoded.completion().complete(result, null, 0));
        }
        byte[] block = encoded.bytes();
        Optional<VcpuArgumentPages> lent = placement instanceof VcpuArgumentPages.Holder holder
                ? holder.vcpuArgumentPages() : Optional.empty();
        if (lent.isPresent()) {
            VcpuArgumentPages.Lease lease = take(lent.get());
            try {
                Placed input = lease.input();
                Placed output = lease.output();
                patch(block, encoded.patches(), input);
                input.write(0, block, 0, block.length);
                output.write(0, block, 0, block.length);
                args[encoded.refArg()] = input.reference().value();
                Placed results = window(output, 0, block.length);
                return new SimplePreparedCall<>(encoded.op(), args, result -> {
                    try {
                        return encoded.completion().complete(result, results, 0);
                    } finally {
                        lease.close();
                    }
                });
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
        }
        // No pages lent: one placement laid out as a pair.
        byte[] pair = new byte[pageBytes + block.length];
        Placed placed = placement.place(pair);
        patch(block, encoded.patches(), placed);
        placed.write(0, block, 0, block.length);
        placed.write(pageBytes, block, 0, block.length);
        args[encoded.refArg()] = placed.reference().value();
        Placed results = window(placed, pageBytes, block.length);
        return new SimplePreparedCall<>(encoded.op(), args, result -> encoded.completion().complete(result, results, 0));
    }

    // The vCPU's pages, checked to be the size this strategy lays out.
    private VcpuArgumentPages.Lease take(VcpuArgumentPages pages) {
        if (pages.pageBytes() != pageBytes) {
            throw new XenException(XenErrno.EINVAL, "the kernel's per-vCPU pages hold " + pages.pageBytes()
                    + " bytes, this strategy lays out pages of " + pageBytes);
        }
        return pages.acquire(PAGE_WAITS);
    }

    // Writes each sub-block reference (a multicall's entries) into the block, naming the input side.
    private static void patch(byte[] block, List<int[]> patches, Placed input) {
        for (int[] patch : patches) {
            LittleEndian.putU64(block, patch[0], input.referenceAt(patch[1]).value());
        }
    }

    @Override
    public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
        return codecs.decoder(kind).decode(kind, new PagePair(guest, pageBytes), args, pageBytes);
    }

    /** A tool writes its call in its ordinary memory, laid out as a pair; {@link #carryUserCall} moves it into the vCPU's pages. */
    @Override
    public ToolArgumentMemory toolArgumentMemory() {
        return ToolArgumentMemory.ORDINARY_MEMORY;
    }

    /**
     * The kernel's part of a tool's call: the tool laid out its call as a pair in its ordinary
     * memory (its block at the address in the memory word, its output image a page later). This
     * <ol>
     *   <li>sizes the block (and a multicall's sub-blocks) from the tool's memory: EINVAL below a
     *       header or for an entry word outside the tool's block, E2BIG above a page;</li>
     *   <li>takes the pages of the vCPU the process runs on (waiting while busy; EBUSY when they
     *       cannot be had; EOPNOTSUPP when the kernel lends none) and copies the block into the
     *       input page ({@code copy_from_user}), checks it again there, starts the output page as
     *       its image, and rewrites the memory word and each sub-block word to references into the
     *       input page, so the hypervisor never sees a user address;</li>
     *   <li>after the call, puts the tool's own words back in the output page, copies the output
     *       page to the tool's output image ({@code copy_to_user}) and gives the pages back.</li>
     * </ol>
     * A call that names no memory passes unchanged. Nothing is allocated.
     */
    @Override
    public UserCall carryUserCall(UserCallKernel kernel, int op, long[] args) {
        Optional<EmbeddedCodec> codec = codecs.forHypercall(op);
        int memoryArgument = codecs.memoryArgument(op);
        if (codec.isEmpty() || memoryArgument < 0 || args.length <= memoryArgument || args[memoryArgument] == 0) {
            return UserCall.unchanged(args);
        }
        long userAddress = args[memoryArgument];
        long extent = ToolBlocks.extent(kernel, codec.get(), userAddress, args, codecs::memoryArgument, pageBytes);
        if (extent > pageBytes) {
            throw new XenException(XenErrno.E2BIG, "blocks of " + extent + " bytes, one page holds " + pageBytes);
        }
        Optional<VcpuArgumentPages> lent = kernel instanceof VcpuArgumentPages.Holder holder
                ? holder.vcpuArgumentPages() : Optional.empty();
        if (lent.isEmpty()) {
            throw new XenException(XenErrno.EOPNOTSUPP, "this kernel has no per-vCPU argument pages");
        }
        VcpuArgumentPages.Lease lease = take(lent.get());
        try {
            int length = (int) extent;
            Placed input = lease.input();
            Placed output = lease.output();
            lease.copyFromUser(userAddress, 0, length);
            // Checked again on the kernel's copy, which is what the hypervisor reads.
            byte[] copied = new byte[length];
            input.read(0, copied, 0, length);
            int copiedLength = ToolBlocks.checkedLength(copied, 0, extent);
            ToolBlocks.ToolWords toolWords = ToolBlocks.pointSubBlocksInto(input, copied, copiedLength, codec.get(), args,
                    codecs::memoryArgument, userAddress, pageBytes, extent);
            // The output page starts as the image of what the hypervisor reads, kernel words included.
            output.write(0, copied, 0, length);
            long[] issued = args.clone();
            issued[memoryArgument] = input.reference().value();
            return new UserCall(issued, () -> {
                try {
                    // The tool gets its own words back, never a kernel reference.
                    toolWords.restore(output);
                    lease.copyToUser(0, userAddress + pageBytes, length);
                } finally {
                    lease.close();
                }
            });
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** As in the embedded form: the kernel carries every block itself, so a tool's call has no handle to rewrite. */
    @Override
    public HandleSiteFinder handleSites() {
        return (op, args, reader) -> Optional.of(List.of());
    }

    // length bytes of placed from offset, as a piece of its own.
    private static Placed window(Placed placed, int offset, int length) {
        return new Placed() {
            @Override
            public MemoryReference reference() {
                return placed.referenceAt(offset);
            }

            @Override
            public MemoryReference referenceAt(int at) {
                java.util.Objects.checkIndex(at, length);
                return placed.referenceAt(offset + at);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int at, byte[] src, int srcOffset, int n) {
                java.util.Objects.checkFromIndexSize(at, n, length);
                placed.write(offset + at, src, srcOffset, n);
            }

            @Override
            public void read(int at, byte[] dst, int dstOffset, int n) {
                java.util.Objects.checkFromIndexSize(at, n, length);
                placed.read(offset + at, dst, dstOffset, n);
            }
        };
    }
}
