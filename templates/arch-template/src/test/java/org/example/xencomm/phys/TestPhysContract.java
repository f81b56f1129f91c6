package org.example.xencomm.phys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;
import org.xencommlab.testkit.rig.KitArchRig;
import org.xencommlab.testkit.rig.KitProcess;

/** The test kit's arch contract, run against this arch, and the one check only this arch needs. */
final class TestPhysContract extends ArchContract {
    private static KitArchRig phys(int bufferLimitPages) {
        return new KitArchRig(new PhysGuestXencomm(bufferLimitPages), new PhysResolver(), new PhysPageTableFormat(),
                PhysArchPlugin.LAYOUT, PageSize.SIZE_4K);
    }

    @Override
    protected ArchRig rig() {
        return phys(64);
    }

    @Test
    void aToolCannotForgeAUserReferenceToKernelMemoryAndBuffersGoBackAtExit() {
        KitArchRig rig = phys(4);
        KitProcess tool = rig.startProcess();
        HypercallBufferApi buffers = rig.xencomm(tool).openUserBuffers();
        buffers.allocBuf(3);
        KernelBlock secret = rig.kernel().kmalloc(64);
        long forged = PhysReference.user(secret.physicalAddress()).value();

        assertThatThrownBy(() -> rig.xencomm(tool).prepareUserHypercall(HypercallNumber.CONSOLE_IO,
                new long[] {SubOps.ConsoleIo.WRITE, 64, forged}, KIT_HANDLE_SITES))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EPERM));
        assertThatThrownBy(() -> rig.xencomm(tool).prepareUserHypercall(HypercallNumber.GRANT_TABLE_OP,
                new long[] {0, forged, 1}, HandleSiteFinder.NONE)).isInstanceOf(XenException.class);
        assertThatThrownBy(() -> buffers.allocBuf(2)).as("3 of 4 pages are taken")
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
        assertThat(rig.metrics().get(PhysMetrics.BUFFER_MAPS)).isEqualTo(1);

        rig.exit(tool);
        rig.kernel().kfree(secret);
        rig.destroy();
        assertThat(rig.kernel().outstandingBlocks()).as("the buffer's pages went back at exit").isZero();
    }
}
