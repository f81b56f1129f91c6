package org.xencommlab.strategy.pointer.form;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.codec.CodecRegistry;
import org.xencommlab.api.abi.codec.PointerCodec;

/**
 * The handles of the pointer form, as Linux's xencomm whitelist knew them: each hypercall's
 * {@link PointerCodec#handleSites}, found in the registry by hypercall number (its top-level
 * handle in the word its ABI declares, {@link org.xencommlab.api.abi.codec.HypercallAbi#memoryArgument}).
 * A hypercall no ABI describes, or a sub-operation its codec does not know, is unknown (empty: the
 * kernel answers ENOSYS); a multicall's entries are asked of this finder again.
 *
 * <p>It reads user memory only through the reader and never throws for any content: a count
 * that would make a handle name more than {@link HandleSite#MAX_LENGTH} bytes, or more than two
 * dm_op buffers, is refused with {@link org.xencommlab.api.errno.XenException} E2BIG, the errno
 * the caller sees. An exception from the reader itself (the address is not mapped) propagates
 * unchanged.
 */
public final class PointerHandleSites implements HandleSiteFinder {
    private final CodecRegistry<PointerCodec> codecs;

    /** The handle sites of every hypercall ABI ({@link HypercallAbis#all()}). */
    public PointerHandleSites() {
        this(CodecRegistry.of(PointerCodec.class, HypercallAbis.all()));
    }

    /** The handle sites of the codecs in {@code codecs}. */
    public PointerHandleSites(CodecRegistry<PointerCodec> codecs) {
        this.codecs = requireNonNull(codecs, "codecs is null");
    }

    @Override
    public Optional<List<HandleSite>> find(int op, long[] args, MemoryReader reader) {
        return codecs.forHypercall(op).flatMap(codec -> codec.handleSites(args, reader, this));
    }
}
