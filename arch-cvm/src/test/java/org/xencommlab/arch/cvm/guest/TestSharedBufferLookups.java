package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.testing.CvmRig;
import org.xencommlab.arch.cvm.testing.TestingCvm;
import org.xencommlab.arch.cvm.testing.TestingCvmProcess;

/**
 * With {@code buffers=shared}, a handle that lies wholly inside one of the tool's shared buffers is
 * passed as the buffer's own guest-physical address, with no bounce: from the buffer's first byte,
 * up to its last byte, but not one byte past it. A buffer freed, or gone with its process, is
 * never found again, and freeing one buffer leaves the others found. A buffer belongs to the API
 * that made it. A released process state refuses new work with ESRCH.
 */
final class TestSharedBufferLookups {
    private static final int OP = 40;

    private final CvmRig rig = new CvmRig(new CvmConfig(CvmConfig.BufferMode.SHARED, 64));
    private final TestingCvm machine = rig.machine();
    private final TestingCvmProcess process = (TestingCvmProcess) rig.startProcess();
    private final ProcessXencomm xencomm = rig.xencomm(process);

    private static HandleSiteFinder leafIn0(long length) {
        return (op, args, reader) -> Optional.of(List.of(HandleSite.argument(0, length, List.of())));
    }

    private long prepared(long address, long length) {
        return xencomm.prepareUserHypercall(OP, new long[] {address}, leafIn0(length)).args()[0];
    }

    private static long gpa(HypercallBuffer buffer) {
        return ((CvmBuffer) buffer).shared().physicalAddress();
    }

    @Test
    void aHandleFromTheFirstToTheLastByteOfASharedBufferGoesUnbounced() {
        HypercallBuffer buffer = xencomm.openUserBuffers().allocBuf(2);
        long start = buffer.userAddress();

        assertThat(prepared(start, 8192)).isEqualTo(gpa(buffer));
        assertThat(prepared(start + 8192 - 16, 16)).isEqualTo(gpa(buffer) + 8192 - 16);
        assertThat(prepared(start + 100, 1)).isEqualTo(gpa(buffer) + 100);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isZero();

        // One byte past the buffer: not the buffer's, so bounced, and the tool has nothing mapped there.
        assertThatThrownBy(() -> prepared(start + 8192 - 16, 17))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        assertThat(((CvmKernelState) rig.kernelXencomm()).pool().slotsInUse()).as("the bounce slot came back").isZero();
    }

    @Test
    void aBufferLooksUpOnlyRangesInsideItself() {
        KernelBlock frames = new KernelBlock(0xffff_8880_0010_0000L, 0x10_0000, 4096);
        CvmBuffer buffer = new CvmBuffer(null, 1, 0x40_0000, 4096, frames);

        assertThat(buffer.sharedPhysical(0x40_0000, 0)).isEqualTo(0x10_0000);
        assertThat(buffer.sharedPhysical(0x40_0000, 4096)).isEqualTo(0x10_0000);
        assertThat(buffer.sharedPhysical(0x40_1000, 0)).as("the empty range at its end").isEqualTo(0x10_1000);
        assertThat(buffer.sharedPhysical(0x40_0fff, 1)).isEqualTo(0x10_0fff);
        assertThat(buffer.sharedPhysical(0x3f_ffff, 1)).isEqualTo(-1);
        assertThat(buffer.sharedPhysical(0x40_0000, 4097)).isEqualTo(-1);
        assertThat(buffer.sharedPhysical(0x40_0001, 4096)).isEqualTo(-1);
        assertThat(buffer.sharedPhysical(0x40_0000, -1)).isEqualTo(-1);
        assertThat(new CvmBuffer(null, 1, 0x40_0000, 4096, null).sharedPhysical(0x40_0000, 8)).as("not shared").isEqualTo(-1);
        assertThat(buffer.markFreed()).isTrue();
        assertThat(buffer.sharedPhysical(0x40_0000, 8)).as("freed").isEqualTo(-1);
        assertThat(buffer.markFreed()).isFalse();
    }

    @Test
    void freeingOneSharedBufferLeavesTheOthersFound() {
        var api = xencomm.openUserBuffers();
        HypercallBuffer first = api.allocBuf(1);
        HypercallBuffer second = api.allocBuf(1);

        api.freeBuf(first);

        assertThat(prepared(second.userAddress(), 64)).isEqualTo(gpa(second));
        assertThat(((CvmBufferApi) api).sharedPhysical(second.userAddress(), 64)).isEqualTo(gpa(second));
        assertThat(((CvmBufferApi) api).sharedPhysical(first.userAddress(), 64)).isEqualTo(-1);
        assertThat(machine.metrics.get(CvmMetrics.BYTES_BOUNCED)).isZero();
    }

    @Test
    void aBufferGoneWithItsProcessIsNeverFoundAgain() {
        CvmBufferApi api = (CvmBufferApi) xencomm.openUserBuffers();
        HypercallBuffer buffer = api.allocBuf(1);
        assertThat(api.sharedPhysical(buffer.userAddress(), 8)).isEqualTo(gpa(buffer));

        rig.exit(process);

        assertThat(api.sharedPhysical(buffer.userAddress(), 8)).isEqualTo(-1);
        assertThat(machine.kernel.freedContiguous).as("converted back and freed").hasSize(1);
    }

    @Test
    void aBufferBelongsToTheApiThatMadeIt() {
        var one = xencomm.openUserBuffers();
        var other = xencomm.openUserBuffers();
        HypercallBuffer buffer = one.allocBuf(1);

        assertThatThrownBy(() -> other.freeBuf(buffer))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        assertThat(prepared(buffer.userAddress(), 8)).as("still live").isEqualTo(gpa(buffer));
        one.freeBuf(buffer);
        assertThatThrownBy(() -> one.freeBuf(buffer)).isInstanceOf(XenException.class).hasMessageContaining("already freed");
    }

    @Test
    void aBufferIsNamedByItsAddressAndCarvesSlicesToItsLastByte() {
        HypercallBuffer buffer = xencomm.openUserBuffers().allocBuf(1);
        assertThat(buffer.id()).isEqualTo(buffer.userAddress());
        assertThat(buffer.nrPages()).isEqualTo(1);

        BufferSlice empty = buffer.allocMem(0);
        assertThat(empty.reference()).isEqualTo(MemoryReference.NULL);
        BufferSlice first = buffer.allocMem(1);
        assertThat(first.userAddress()).isEqualTo(buffer.userAddress());
        assertThat(buffer.remaining()).isEqualTo(4096 - 8);
        BufferSlice rest = buffer.allocMem(4096 - 8);
        assertThat(rest.userAddress()).isEqualTo(buffer.userAddress() + 8);
        assertThatThrownBy(() -> buffer.allocMem(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC))
                .hasMessageEndingWith("has 0 left");
        buffer.reset();
        buffer.allocMem(4000);
        assertThatThrownBy(() -> buffer.allocMem(100)).hasMessageEndingWith("has 96 left");
    }

    @Test
    void aReleasedProcessStateRefusesNewBuffersAndCalls() {
        xencomm.release();

        assertThatThrownBy(xencomm::openUserBuffers)
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        assertThatThrownBy(() -> prepared(0x1_0000, 8))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
    }
}
