package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** Descriptor mode's plain user buffers: freeing unmaps them once; a second free is EINVAL and unmaps nothing. */
final class TestPlainBufferLifecycle {
    @Test
    void aPlainBufferIsUnmappedOnceWhenFreed() {
        TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
        TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
        TestingKernel kernel = new TestingKernel(machine, domain, 31);
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(new PpcGuestXencomm(machine.config()), tool).openUserBuffers();
        int before = tool.mappingCount();
        HypercallBuffer buffer = api.allocBuf(2);
        HypercallBuffer other = api.allocBuf(1);
        assertThat(tool.mappingCount()).isEqualTo(before + 2);
        assertThat(buffer.allocMem(8).reference().value()).isEqualTo(buffer.userAddress());
        api.freeBuf(buffer);
        assertThat(tool.mappingCount()).isEqualTo(before + 1);
        assertThatThrownBy(() -> api.freeBuf(buffer))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        assertThat(tool.mappingCount()).isEqualTo(before + 1);
        api.freeBuf(other);
        assertThat(tool.mappingCount()).isEqualTo(before);
    }
}
