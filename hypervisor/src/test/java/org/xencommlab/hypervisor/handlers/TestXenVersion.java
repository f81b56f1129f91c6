package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.XenVersion;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

final class TestXenVersion {
    private final TestingMachine m = TestingMachine.small();

    TestXenVersion() {
        m.hypervisor.createDomain(DomainSpec.guest(2, 16 * 4096));
    }

    private long call(long... args) {
        return m.entry.hypercall(2, 0, HypercallNumber.XEN_VERSION, args);
    }

    @Test
    void reportsVersionAndPageSize() {
        assertThat(call(XenVersion.VERSION)).isEqualTo((4 << 16) | 19);
        assertThat(call(XenVersion.PAGESIZE)).isEqualTo(4096);
        assertThat(call(XenVersion.PAGESIZE, 0)).as("a NULL argument").isEqualTo(4096);
    }

    /** xen/common/kernel.c do_xen_version: XENVER_pagesize with a non-NULL argument is -EINVAL. */
    @Test
    void pageSizeWithAnArgumentIsEinval() {
        assertThat(call(XenVersion.PAGESIZE, 0x2000)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(call(XenVersion.PAGESIZE, -1)).isEqualTo(XenErrno.EINVAL.asResult());
    }

    @Test
    void copiesTheExtraVersionNulPadded() {
        m.entry.physicalMemory(2).write(0x2000, new byte[] {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
            'x', 'x', 'x', 'x', 'y'}, 0, 17);
        assertThat(call(XenVersion.EXTRAVERSION, 0x2000)).isZero();
        byte[] got = new byte[17];
        m.entry.physicalMemory(2).read(0x2000, got, 0, 17);
        byte[] expected = Arrays.copyOf(".0-lab".getBytes(StandardCharsets.US_ASCII), 16);
        assertThat(Arrays.copyOf(got, 16)).isEqualTo(expected);
        assertThat(got[16]).as("nothing past the 16 bytes").isEqualTo((byte) 'y');
    }

    @Test
    void faultsAndUnknownCommands() {
        assertThat(call(XenVersion.EXTRAVERSION, 16L * 4096 - 8)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(call(XenVersion.EXTRAVERSION, -1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(call(2)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(call(-1)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(call(0xFFFF_FFFF_0000_0002L)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(m.metrics.errors(XenErrno.EFAULT)).isEqualTo(2);
    }

    /** Xen's do_xen_version takes {@code int cmd}: the bits above the low 32 are not part of it. */
    @Test
    void theCommandIsTheLow32BitsOfItsWord() {
        assertThat(call((1L << 32) | XenVersion.VERSION)).isEqualTo((4 << 16) | 19);
        assertThat(call((7L << 40) | XenVersion.EXTRAVERSION, 0x2000)).isZero();
        assertThat(call(-1L << 32 | XenVersion.PAGESIZE)).isEqualTo(4096);
    }
}
