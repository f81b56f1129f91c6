package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * The x86 buffer's bump allocator at its edges (an empty slice, a slice that fills the buffer to
 * its last byte, one byte more), what a refused slice traces, the released flag a freed buffer
 * carries; a kernel reference to a whole block and to its empty ends; the kernel's and process's
 * released flags; a device limit of zero; and the names the configuration and the backend give
 * themselves.
 */
final class TestX86BufferAndStateEdges {
    private final TestingDomain domain = new TestingDomain(512);
    private final TestingUserProcessServices process = domain.process(64);

    private static XenErrno errnoOf(Runnable call) {
        try {
            call.run();
        } catch (XenException e) {
            return e.errno();
        }
        return null;
    }

    private X86HypercallBuffer buffer(int pages) {
        return (X86HypercallBuffer) new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE).allocBuf(pages);
    }

    @Test
    void anEmptySliceIsGivenAndTakesNoRoom() {
        X86HypercallBuffer buffer = buffer(1);
        BufferSlice empty = buffer.allocMem(0);
        assertThat(empty.length()).isZero();
        assertThat(empty.userAddress()).isEqualTo(buffer.userAddress());
        assertThat(buffer.remaining()).isEqualTo(4096);
    }

    @Test
    void aSliceMayFillTheBufferToItsLastByteAndNotOneMore() {
        X86HypercallBuffer buffer = buffer(1);
        buffer.allocMem(8);
        BufferSlice rest = buffer.allocMem(4096 - 8);
        assertThat(rest.userAddress() + rest.length()).isEqualTo(buffer.userAddress() + buffer.capacity());
        assertThat(buffer.remaining()).isZero();
        assertThat(errnoOf(() -> buffer.allocMem(1))).isEqualTo(XenErrno.ENOSPC);
        assertThat(buffer.allocMem(0).length()).as("an empty slice still fits").isZero();
    }

    @Test
    void aRefusedSliceSaysInTheTraceWhatWasLeft() {
        X86HypercallBuffer buffer = buffer(1);
        buffer.allocMem(4000);
        assertThat(errnoOf(() -> buffer.allocMem(100))).isEqualTo(XenErrno.ENOSPC);
        assertThat(domain.trace().events(TraceKind.LIBRARY)).map(TraceEvent::detail)
                .contains("pid " + process.pid() + " alloc_mem(" + buffer.id() + ", 100) -ENOSPC: 96 of 4096 bytes left");
    }

    @Test
    void aBufferNamesItsPlaceAndSize() {
        X86HypercallBuffer buffer = buffer(2);
        assertThat(buffer).hasToString("x86 buffer " + buffer.id() + " at 0x" + Long.toHexString(buffer.userAddress()) + " (8192 bytes)");
    }

    @Test
    void aFreedBufferIsMarkedReleased() {
        MlockedBufferApi api = new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE);
        X86HypercallBuffer buffer = (X86HypercallBuffer) api.allocBuf(1);
        assertThat(buffer.isReleased()).isFalse();
        api.freeBuf(buffer);
        assertThat(buffer.isReleased()).isTrue();
    }

    @Test
    void aKernelReferenceMayNameTheWholeBlockOrAnEmptyRangeAtEitherEnd() {
        X86GuestXencomm.X86KernelState kernel = new X86GuestXencomm(X86BufferConfig.defaults()).attachKernel(domain.kernel());
        KernelBlock block = domain.kernel().kmalloc(4096);
        int length = (int) block.length();

        assertThat(kernel.kernelReference(block, 0, length).value()).isEqualTo(block.kernelAddress());
        assertThat(kernel.kernelReference(block, 0, 0).value()).isEqualTo(block.kernelAddress());
        assertThat(kernel.kernelReference(block, length, 0).value()).isEqualTo(block.kernelAddress() + length);
        assertThatIllegalArgumentException().isThrownBy(() -> kernel.kernelReference(block, 1, length));
        assertThatIllegalArgumentException().isThrownBy(() -> kernel.kernelReference(block, 0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> kernel.kernelReference(block, -1, 0));
    }

    @Test
    void statesAreNotReleasedUntilReleased() {
        X86GuestXencomm.X86KernelState kernel = new X86GuestXencomm(X86BufferConfig.defaults()).attachKernel(domain.kernel());
        X86GuestXencomm.X86ProcessState state = kernel.attachProcess(process);
        assertThat(kernel.isReleased()).isFalse();
        assertThat(state.isReleased()).isFalse();
        assertThat(state.openUserBuffers()).isNotNull();

        kernel.release();
        assertThat(kernel.isReleased()).isTrue();
        assertThat(state.isReleased()).as("a process's own flag").isFalse();
        assertThatThrownBy(state::openUserBuffers).isInstanceOf(XenException.class);
    }

    @Test
    void aDeviceLimitOfZeroIsAConfigurationAndANegativeOneIsNot() {
        assertThat(new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.PAGE, 0).deviceLimitPages()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.PAGE, -1));
    }

    @Test
    void theConfigurationAndTheBackendNameThemselves() {
        assertThat(X86BufferConfig.Buffers.MLOCK.parameterValue()).isEqualTo("mlock");
        assertThat(X86BufferConfig.Buffers.UNLOCKED.parameterValue()).isEqualTo("unlocked");
        assertThat(X86BufferConfig.Buffers.DEVICE.parameterValue()).isEqualTo("device");
        for (X86BufferConfig.Buffers b : X86BufferConfig.Buffers.values()) {
            assertThat(X86BufferConfig.Buffers.fromParameter(b.parameterValue())).isEqualTo(b);
        }
        X86GuestXencomm xencomm = new X86GuestXencomm(X86BufferConfig.defaults());
        assertThat(xencomm).hasToString("x86 guest xencomm " + X86BufferConfig.defaults());
    }
}
