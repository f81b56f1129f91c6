package org.xencommlab.strategy.embedded.form;

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

/**
 * The {@code embedded} strategy: no pointers anywhere. Each hypercall's data travels in one
 * contiguous block that starts with an {@link EmbeddedBlockHeader} (magic, version, kind, length)
 * and holds the fixed fields and the arrays inline; the argument word that holds a pointer in
 * Xen's ABI holds the block's reference instead. A block is at most {@link #maxBlock()} bytes
 * (default {@link EmbeddedBlockHeader#DEFAULT_MAX_BLOCK}); a larger request is split by the caller
 * ({@link #split}), each hypercall's {@link EmbeddedCodec} saying how.
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
    private final CodecRegistry<EmbeddedCodec> codecs = CodecRegistry.of(EmbeddedCodec.class, HypercallAbis.all());
    private final EmbeddedCodec.SubCalls subCalls = new EmbeddedCodec.SubCalls() {
        @Override
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request) {
            return codecs.encoder(request).encode(request, maxBlock, this);
        }

        @Override
        public long blockBytes(HypercallRequest<?> request) {
            return codecs.encoder(request).blockBytes(request, maxBlock, this);
        }
    };

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
    public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return codecs.encoder(request).split(request, maxBlock);
    }

    @Override
    public int argumentBytes(HypercallRequest<?> request) {
        long bytes = subCalls.blockBytes(request);
        if (bytes > maxBlock) {
            throw new XenException(XenErrno.E2BIG, request + " needs a block of " + bytes + " bytes, the maximum is " + maxBlock
                    + "; split it");
        }
        return (int) bytes;
    }

    @Override
    public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
        EmbeddedCall<R> encoded = subCalls.encode(request);
        long[] args = encoded.args();
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

    @Override
    public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
        return codecs.decoder(kind).decode(kind, guest, args, maxBlock);
    }

    /** A tool writes its blocks in its ordinary memory; {@link #carryUserCall} moves them into kernel memory. */
    @Override
    public ToolArgumentMemory toolArgumentMemory() {
        return ToolArgumentMemory.ORDINARY_MEMORY;
    }

    /**
     * The kernel's part of a tool's call: the tool built one block in its ordinary memory (nothing
     * locked, nothing registered) and names it by its user address in the word that carries the
     * hypercall's memory. This
     * <ol>
     *   <li>reads the block's header from the tool's memory to learn its length (EINVAL below a
     *       header, E2BIG above {@link #maxBlock()});</li>
     *   <li>has the kernel copy the block into a kernel block ({@code copy_from_user}) and writes
     *       the header it checked over the copied one, so the hypervisor reads the length the
     *       kernel allocated for;</li>
     *   <li>replaces the memory word with the kernel block's reference (the arch's native kind);
     *       for a multicall, also each entry's memory word, which must name a sub-block inside the
     *       tool's block (EINVAL otherwise: nothing else is ever passed on), so the hypervisor never
     *       sees a user address;</li>
     *   <li>after the call, puts the tool's own words back and copies the block back to the tool
     *       ({@code copy_to_user}), so the outputs the hypervisor wrote reach it.</li>
     * </ol>
     * A hypercall whose memory word is absent or NULL, or that names no memory, passes unchanged.
     */
    @Override
    public UserCall carryUserCall(UserCallKernel kernel, int op, long[] args) {
        Optional<EmbeddedCodec> codec = codecs.forHypercall(op);
        int memoryArgument = codecs.memoryArgument(op);
        if (codec.isEmpty() || memoryArgument < 0 || args.length <= memoryArgument || args[memoryArgument] == 0) {
            return UserCall.unchanged(args);
        }
        long userAddress = args[memoryArgument];
        // Sized from the tool's memory: the call's block, and the sub-blocks its words name.
        long extent = ToolBlocks.extent(kernel, codec.get(), userAddress, args, codecs::memoryArgument, maxBlock);
        if (extent > maxBlock) {
            throw new XenException(XenErrno.E2BIG, "embedded blocks of " + extent + " bytes, at most " + maxBlock);
        }
        UserCallKernel.KernelCopy block = kernel.copyFromUser(userAddress, (int) extent);
        // Checked again on the kernel's copy, which is what the hypervisor reads: the tool may have
        // changed its memory since it was sized.
        byte[] copied = new byte[(int) extent];
        block.read(0, copied, 0, copied.length);
        int copiedLength = ToolBlocks.checkedLength(copied, 0, extent);
        long[] issued = args.clone();
        issued[memoryArgument] = block.reference().value();
        ToolBlocks.ToolWords toolWords = ToolBlocks.pointSubBlocksInto(block, copied, copiedLength, codec.get(), args,
                codecs::memoryArgument, userAddress, maxBlock, extent);
        return new UserCall(issued, () -> {
            // The tool gets its block back as it wrote it, plus what the hypervisor wrote; never a kernel reference.
            toolWords.restore(block);
            block.copyToUser();
        });
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
