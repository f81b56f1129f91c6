package org.xencommlab.testkit.rig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.paging.AddressSpaceLayout;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.testkit.kernel.UserProcessContract;

/**
 * The kit's own rig keeps what it promises: its processes pass {@link UserProcessContract}, pages
 * hold real bytes and are given back at exit, and its copy path goes through the backend's
 * hypervisor half (here a trivial one whose references are guest-physical addresses).
 */
final class TestKitProcessContract extends UserProcessContract {
    private static final AddressSpaceLayout LAYOUT = new AddressSpaceLayout(0x10000L, 1L << 47, 0xffff_8880_0000_0000L, 48);

    /** References are guest-physical addresses; the guest half makes no buffers. */
    private static final GuestHandleResolver PHYSICAL = new GuestHandleResolver() {
        @Override
        public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
            return new DomainArchState() {
                @Override
                public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                    return offset -> ref.value() + offset;
                }

                @Override
                public void release(DomainTeardown teardown) {}
            };
        }
    };

    private static final GuestXencomm NO_BUFFERS = kernel -> new KernelXencomm() {
        @Override
        public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
            return new MemoryReference(block.physicalAddress() + offset);
        }

        @Override
        public ProcessXencomm attachProcess(UserProcessServices process) {
            return new ProcessXencomm() {
                @Override
                public HypercallBufferApi openUserBuffers() {
                    throw new UnsupportedOperationException("no buffers");
                }

                @Override
                public void release() {}
            };
        }

        @Override
        public void release() {}
    };

    /** A one-level format, enough for a rig whose kernel writes no page tables. */
    private static final class FlatFormat implements org.xencommlab.api.paging.PageTableFormat {
        @Override
        public java.nio.ByteOrder byteOrder() {
            return java.nio.ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public int levels() {
            return 1;
        }

        @Override
        public int indexAt(int level, long virtualAddress) {
            return (int) ((virtualAddress >>> 12) & 511);
        }

        @Override
        public long tableEntry(long gfn) {
            return gfn << 12 | 1;
        }

        @Override
        public long pageEntry(long gfn, boolean writable, boolean user) {
            return gfn << 12 | 1 | (writable ? 2 : 0) | (user ? 4 : 0);
        }

        @Override
        public long notPresentEntry(long payload) {
            return payload << 1;
        }

        @Override
        public boolean isPresent(long entry) {
            return (entry & 1) != 0;
        }

        @Override
        public boolean isWritable(long entry) {
            return (entry & 2) != 0;
        }

        @Override
        public boolean isUser(long entry) {
            return (entry & 4) != 0;
        }

        @Override
        public long decodeFrame(long entry) {
            return entry >>> 12;
        }

        @Override
        public long decodePayload(long entry) {
            return entry >>> 1;
        }
    }

    private final KitArchRig rig = new KitArchRig(NO_BUFFERS, PHYSICAL, new FlatFormat(), LAYOUT, PageSize.SIZE_4K);

    @Override
    protected UserProcessServices startProcess() {
        return rig.startProcess();
    }

    @Override
    protected RunMetrics metrics() {
        return rig.metrics();
    }

    @Override
    protected void exit(UserProcessServices process) {
        rig.exit(process);
    }

    @Test
    void bytesAProcessWritesAreRealAndItsFramesComeBackAtExit() {
        KitProcess process = rig.startProcess();
        long address = process.mmapAnonymous(3 * 4096);
        byte[] bytes = new byte[5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        process.writeMemory(address + 100, bytes, 0, bytes.length);
        byte[] back = new byte[bytes.length];
        process.readMemory(address + 100, back, 0, back.length);
        assertThat(back).isEqualTo(bytes);
        long[] pinned = process.pinUserPages(address, 2);
        assertThat(rig.kernel().userFrames()).isEqualTo(2);

        rig.exit(process);

        assertThat(rig.kernel().userFrames()).as("pinned frames outlive the mapping").isEqualTo(2);
        process.unpinUserPages(pinned);
        assertThat(rig.kernel().userFrames()).isZero();
        assertThatThrownBy(() -> process.mmapAnonymous(4096)).isInstanceOf(XenException.class);
    }

    @Test
    void theHypervisorCopiesThroughTheBackendAndStopsAtAFrameTheDomainDoesNotHold() {
        KitProcess process = rig.startProcess();
        KernelBlock block = rig.kernel().kmalloc(6000);
        byte[] bytes = new byte[6000];
        java.util.Arrays.fill(bytes, (byte) 0x5a);
        rig.context(process).guest().copyToGuest(rig.kernelXencomm().kernelReference(block, 0, 6000), 0, bytes, 0, bytes.length);
        byte[] back = new byte[6000];
        assertThat(rig.context(process).guest().copyFromGuest(back, 0, new MemoryReference(block.physicalAddress()), 0, 6000)).isZero();
        assertThat(back).isEqualTo(bytes);
        long beyond = 4096L * 4096;
        assertThat(rig.context(process).guest().copyFromGuest(back, 0, new MemoryReference(beyond - 10), 0, 100))
                .as("bytes not copied past the domain's last frame").isEqualTo(90);
        rig.kernel().kfree(block);
        rig.exit(process);
        rig.destroy();
        assertThat(rig.kernel().outstandingBlocks()).isZero();
    }
}
