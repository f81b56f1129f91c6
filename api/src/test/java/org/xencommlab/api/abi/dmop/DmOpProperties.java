package org.xencommlab.api.abi.dmop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.errno.XenErrno;

final class DmOpProperties {
    @Provide
    Arbitrary<List<ModifiedMemoryExtent>> extentLists() {
        return Arbitraries.integers().flatMap(nr -> Arbitraries.longs().map(pfn -> new ModifiedMemoryExtent(nr, pfn)))
                .list().ofMaxSize(200);
    }

    @Property(tries = 200)
    void anyBytesDecodeAsABufferArrayOrAreRefused(@ForAll @Size(max = 64) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> assertThat(DmOpBuf.decodeArray(bytes).size()).isLessThanOrEqualTo(2),
                XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 100)
    void aBufferArrayRoundTrips(@ForAll long h0, @ForAll long s0, @ForAll long h1, @ForAll long s1) {
        List<DmOpBuf> bufs = List.of(new DmOpBuf(h0, s0), new DmOpBuf(h1, s1));
        assertThat(DmOpBuf.decodeArray(DmOpBuf.encodeArray(bufs))).isEqualTo(bufs);
    }

    @Property(tries = 300)
    void anyBytesDecodeAsAnOpOrAreRefused(@ForAll @Size(max = 24) byte[] bytes, @ForAll boolean plausible) {
        if (plausible && bytes.length >= 8) {
            bytes[0] = 11;
            bytes[1] = bytes[2] = bytes[3] = 0;
        }
        XenErrors.decodesOrRefuses(() -> ModifiedMemoryOp.decode(bytes), XenErrno.EFAULT, XenErrno.EINVAL, XenErrno.EOPNOTSUPP);
    }

    @Property(tries = 100)
    void anOpRoundTrips(@ForAll int nr, @ForAll int opaque) {
        assertThat(ModifiedMemoryOp.decode(new ModifiedMemoryOp(nr, opaque).encode())).isEqualTo(new ModifiedMemoryOp(nr, opaque));
    }

    @Property(tries = 200)
    void anyBytesDecodeAsAnExtentOrAreRefused(@ForAll @Size(max = 20) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> ModifiedMemoryExtent.decode(bytes), XenErrno.EINVAL);
    }

    @Property(tries = 200)
    void aBlockRoundTrips(@ForAll("extentLists") List<ModifiedMemoryExtent> extents) {
        byte[] block = DmOpBlock.encode(new ModifiedMemoryOp(extents.size(), 0), extents);
        assertThat(DmOpBlock.decode(block, 1 << 20)).isEqualTo(new ModifiedMemoryOp(extents.size(), 0));
        assertThat(DmOpBlock.extentCapacity(block)).isEqualTo(extents.size());
        List<ModifiedMemoryExtent> decoded = new ArrayList<>();
        for (int i = 0; i < extents.size(); i++) {
            decoded.add(ModifiedMemoryExtent.decode(block, DmOpBlock.extentOffset(i)));
        }
        assertThat(decoded).isEqualTo(extents);
    }

    @Property(tries = 300)
    void anyBytesDecodeAsABlockOrAreRefused(@ForAll @Size(max = 100) byte[] bytes, @ForAll boolean plausible) {
        if (plausible && bytes.length >= 32) {
            new EmbeddedBlockHeader(BlockKind.DM_OP, bytes.length).encode(bytes, 0);
            new ModifiedMemoryOp((bytes.length - 32) / 16, 0).encode(bytes, DmOpBlock.OP_OFFSET);
        }
        XenErrors.decodesOrRefuses(() -> DmOpBlock.decode(bytes, 4096), XenErrno.EINVAL, XenErrno.E2BIG, XenErrno.EOPNOTSUPP);
    }

    @Property(tries = 100)
    void splitExtentsConcatenateToTheOriginal(@ForAll("extentLists") List<ModifiedMemoryExtent> extents,
            @ForAll @IntRange(min = 1, max = 50) int max) {
        ModifiedMemoryRequest request = new ModifiedMemoryRequest(3, extents);
        List<ModifiedMemoryExtent> joined = new ArrayList<>();
        for (ModifiedMemoryRequest part : request.split(max)) {
            assertThat(part.extents().size()).isLessThanOrEqualTo(max);
            assertThat(part.domid()).isEqualTo(3);
            joined.addAll(part.extents());
        }
        assertThat(joined).isEqualTo(extents);
    }
}
