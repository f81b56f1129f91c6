package org.xencommlab.api.abi.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;

final class SysctlProperties {
    @Provide
    Arbitrary<DomainInfo> infos() {
        return Combinators.combine(
                Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers(), Arbitraries.longs(), Arbitraries.longs(),
                Arbitraries.integers(), Arbitraries.bytes().array(byte[].class).ofSize(16), Arbitraries.integers().between(0, 255),
                Arbitraries.longs())
                .as((domain, flags, tot, max, vcpus, handle, bits, time) ->
                        new DomainInfo(domain, flags, tot, max, tot ^ 1, max ^ 2, time, tot + max, time, vcpus, vcpus + 1, flags ^ 3, handle, vcpus ^ 4, bits));
    }

    @Property(tries = 200)
    void aDomainInfoRoundTrips(@ForAll("infos") DomainInfo info) {
        byte[] bytes = info.encode();
        assertThat(bytes).hasSize(112);
        assertThat(LittleEndian.u16(bytes, 0)).isEqualTo(info.domain());
        assertThat(LittleEndian.u64(bytes, 8)).isEqualTo(info.totPages());
        assertThat(DomainInfo.decode(bytes)).isEqualTo(info);
    }

    @Property(tries = 200)
    void anyBytesDecodeAsADomainInfoOrAreRefused(@ForAll @Size(max = 120) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> DomainInfo.decode(bytes), XenErrno.EINVAL);
    }

    @Property(tries = 200)
    void thePointerFormRoundTrips(@ForAll @IntRange(max = 0xFFFF) int first, @ForAll int max, @ForAll long buffer) {
        SysctlGetDomainInfoList op = SysctlGetDomainInfoList.request(first, max, buffer);
        byte[] bytes = op.encodePointer();
        assertThat(bytes).hasSize(136);
        assertThat(LittleEndian.u32(bytes, 0)).isEqualTo(6);
        assertThat(LittleEndian.u32(bytes, 4)).isEqualTo(0x15);
        assertThat(SysctlGetDomainInfoList.decodePointer(bytes)).isEqualTo(op);
    }

    @Property(tries = 300)
    void anyBytesDecodeInPointerFormOrAreRefused(@ForAll @Size(max = 140) byte[] bytes, @ForAll boolean plausible) {
        if (plausible && bytes.length >= 8) {
            LittleEndian.putU32(bytes, 0, 6);
            LittleEndian.putU32(bytes, 4, 0x15);
        }
        XenErrors.decodesOrRefuses(() -> SysctlGetDomainInfoList.decodePointer(bytes), XenErrno.EINVAL, XenErrno.EACCES, XenErrno.ENOSYS);
    }

    @Property(tries = 50)
    void aWrongVersionIsEaccesAndAWrongCommandEnosys(@ForAll int version, @ForAll int cmd) {
        if (version != 0x15) {
            byte[] bytes = new SysctlGetDomainInfoList(6, version, 0, 1, 0, 0).encodePointer();
            assertThat(XenErrors.errnoOf(() -> SysctlGetDomainInfoList.decodePointer(bytes))).isEqualTo(XenErrno.EACCES);
        }
        if (cmd != 6) {
            byte[] bytes = new SysctlGetDomainInfoList(cmd, 0x15, 0, 1, 0, 0).encodePointer();
            assertThat(XenErrors.errnoOf(() -> SysctlGetDomainInfoList.decodePointer(bytes))).isEqualTo(XenErrno.ENOSYS);
        }
    }

    @Property(tries = 100)
    void theEmbeddedBlockRoundTrips(@ForAll @IntRange(max = 0xFFFF) int first, @ForAll @IntRange(max = 36) int max) {
        byte[] block = SysctlBlock.encode(first, max);
        assertThat(block).hasSize(40 + 112 * max);
        SysctlGetDomainInfoList op = SysctlBlock.decodeFixed(java.util.Arrays.copyOf(block, 40), 4096);
        assertThat(op.firstDomain()).isEqualTo(first);
        assertThat(op.maxDomainsUnsigned()).isEqualTo(max);
    }

    @Property(tries = 300)
    void anyBytesDecodeAsABlockOrAreRefused(@ForAll @Size(max = 48) byte[] bytes, @ForAll boolean plausible) {
        if (plausible && bytes.length >= 40) {
            new EmbeddedBlockHeader(BlockKind.SYSCTL_GETDOMAININFOLIST, 40 + 112 * (bytes[0] & 3)).encode(bytes, 0);
            LittleEndian.putU32(bytes, SysctlBlock.CMD_OFFSET, 6);
            LittleEndian.putU32(bytes, SysctlBlock.INTERFACE_VERSION_OFFSET, 0x15);
        }
        XenErrors.decodesOrRefuses(() -> SysctlBlock.decodeFixed(bytes, 4096),
                XenErrno.EINVAL, XenErrno.E2BIG, XenErrno.EACCES, XenErrno.ENOSYS);
    }
}
