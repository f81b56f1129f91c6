package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

final class TestX86GuestXencomm {
    private final TestingDomain domain = new TestingDomain(512);
    private final TestingUserProcessServices process = domain.process(64);

    @Test
    void openUserBuffersFollowsTheConfiguration() {
        var mlock = new X86GuestXencomm(X86BufferConfig.defaults());
        var packed = new X86GuestXencomm(new X86BufferConfig(X86BufferConfig.Buffers.MLOCK, X86BufferConfig.Alignment.NONE, 64));
        var device = new X86GuestXencomm(new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.PAGE, 8));

        assertThat(stateOf(mlock).openUserBuffers()).isInstanceOf(MlockedBufferApi.class);
        assertThat(PageSize.SIZE_4K.offsetIn(stateOf(packed).openUserBuffers().allocBuf(1).userAddress())).isEqualTo(16);
        assertThat(stateOf(device).openUserBuffers()).isInstanceOfSatisfying(PrivcmdBufFile.class, d -> assertThat(d.limit()).isEqualTo(8));
    }

    @Test
    void kernelReferencesAreDirectMapAddressesTheWalkResolves() {
        var xencomm = new X86GuestXencomm(X86BufferConfig.defaults());
        KernelBlock block = domain.kernel().kmalloc(6000);
        PageSize page = PageSize.SIZE_4K;
        // The guest kernel maps its memory in every address space's kernel half.
        for (long pa = block.physicalAddress(); pa < block.physicalAddress() + block.length(); pa += 4096) {
            process.pageTables().map(domain.kernel().layout().kernelAddressOf(pa), page.pageOf(pa), true, false);
        }
        byte[] data = "kernel bounce buffer contents crossing a page".getBytes(StandardCharsets.US_ASCII);
        long target = block.physicalAddress() + 4090;
        domain.memory().write(target, data, 0, 6);
        domain.memory().write(target + 6, data, 6, data.length - 6);

        MemoryReference ref = xencomm.attachKernel(domain.kernel()).kernelReference(block, 4090, data.length);
        assertThat(ref.value()).isEqualTo(block.kernelAddress() + 4090);
        byte[] seen = new byte[data.length];
        assertThat(domain.hypercallRead(process, ref, seen)).isZero();
        assertThat(seen).isEqualTo(data);

        assertThatThrownBy(() -> xencomm.attachKernel(domain.kernel()).kernelReference(block, 5999, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> xencomm.attachKernel(domain.kernel()).kernelReference(block, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userHypercallsPassThroughUnchanged() {
        var xencomm = new X86GuestXencomm(X86BufferConfig.defaults());
        long[] args = {1, 0x7f00_0000_0010L, 3, 0, 0};
        PreparedHypercall prepared = stateOf(xencomm).prepareUserHypercall(18, args, org.xencommlab.api.abi.HandleSiteFinder.NONE);
        assertThat(prepared.args()).containsExactly(args);
    }

    /**
     * The states are made per kernel and per process and refuse work once released: a process's
     * state after its exit, every process's once its kernel shut down.
     */
    @Test
    void releasedStatesRefuseNewBuffers() {
        var xencomm = new X86GuestXencomm(X86BufferConfig.defaults());
        X86GuestXencomm.X86KernelState kernel = xencomm.attachKernel(domain.kernel());
        X86GuestXencomm.X86ProcessState first = kernel.attachProcess(process);
        X86GuestXencomm.X86ProcessState second = kernel.attachProcess(domain.process(64));
        assertThat(first).isNotSameAs(second);

        first.release();
        assertThat(first.isReleased()).isTrue();
        assertThatThrownBy(first::openUserBuffers).isInstanceOf(XenException.class)
                .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(XenErrno.ESRCH));
        assertThat(second.openUserBuffers()).isInstanceOf(MlockedBufferApi.class);

        second.release();
        kernel.release();
        assertThat(kernel.isReleased()).isTrue();
        assertThatThrownBy(second::openUserBuffers).isInstanceOf(XenException.class);
    }

    private X86GuestXencomm.X86ProcessState stateOf(X86GuestXencomm xencomm) {
        return xencomm.attachKernel(domain.kernel()).attachProcess(process);
    }
}
