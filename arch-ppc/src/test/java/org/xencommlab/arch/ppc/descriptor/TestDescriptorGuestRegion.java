package org.xencommlab.arch.ppc.descriptor;

import org.xencommlab.api.memory.PageSize;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;

/** The hypervisor's side of a descriptor: validation of the header copy and the walk. */
final class TestDescriptorGuestRegion {
    private static final int PAGE = 4096;
    private final TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(1, PageSize.SIZE_4K, 64);
    private final RunMetrics metrics = new RunMetrics();

    @Test
    void encodeLaysOutTheStructBigEndian() {
        byte[] bytes = XencommDescriptor.encode(new long[] {0x1000, 0x2345}, 3);
        assertThat(bytes).containsExactly(
                0x58, 0x43, 0x4F, 0x4D, 0, 0, 0, 3,
                0, 0, 0, 0, 0, 0, 0x10, 0,
                0, 0, 0, 0, 0, 0, 0x23, 0x45,
                -1, -1, -1, -1, -1, -1, -1, -1);
    }

    @Test
    void entriesCoverToTheirPageEndAndInvalidEntriesCoverNothing() {
        long descriptor = 5L * PAGE + 64;
        put(descriptor, XencommDescriptor.encode(new long[] {10L * PAGE + 4000, XencommDescriptor.INVALID, 20L * PAGE, 12L * PAGE}, 4));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        assertThat(region.nrAddrs()).isEqualTo(4);
        assertThat(region.translate(0)).isEqualTo(10L * PAGE + 4000);
        assertThat(region.translate(95)).isEqualTo(10L * PAGE + 4095);
        assertThat(region.translate(96)).isEqualTo(20L * PAGE);
        assertThat(region.translate(96 + PAGE)).isEqualTo(12L * PAGE);
        assertThat(region.translate(96 + 2L * PAGE - 1)).isEqualTo(12L * PAGE + PAGE - 1);
        assertThat(region.translate(96 + 2L * PAGE)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(-1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(Long.MAX_VALUE)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).as("each entry read once going forward").isEqualTo(4);
        assertThat(region.translate(10)).as("going back walks again from entry 0").isEqualTo(10L * PAGE + 4010);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(5);
    }

    /**
     * Issue 12, defect 4: the region keeps no copy of the entries it walked (which reached 512 KiB
     * per copy, uncharged), only a cursor. Walking back therefore reads the guest's entries again,
     * as Xen's walk does, and sees what the guest wrote meanwhile.
     */
    @Test
    void theRegionKeepsNoCopyOfTheEntriesItWalked() {
        long descriptor = 8L * PAGE;
        int nr = 3 * PAGE / 8; // an address array over three pages
        long[] pages = new long[nr];
        for (int i = 0; i < nr; i++) {
            pages[i] = (40L + i % 8) * PAGE;
        }
        put(descriptor, XencommDescriptor.encode(pages, nr));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        for (int i = 0; i < nr; i++) {
            assertThat(region.translate((long) i * PAGE)).isEqualTo(pages[i]);
        }
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(nr);
        // The guest rewrites entry 0; a region that kept its copy would still answer page 40.
        put(descriptor + XencommDescriptor.HEADER_BYTES, java.nio.ByteBuffer.allocate(8).putLong(50L * PAGE).array());
        assertThat(region.translate(0)).isEqualTo(50L * PAGE);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(nr + 1);
    }

    @Test
    void theHeaderIsSnapshottedOnceAndLaterGuestWritesDoNotMatter() {
        long descriptor = 6L * PAGE;
        put(descriptor, XencommDescriptor.encode(new long[] {30L * PAGE}, 1));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        put(descriptor, XencommDescriptor.encode(new long[] {30L * PAGE, 31L * PAGE}, 2));
        assertThat(region.translate(PAGE)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.nrAddrs()).isEqualTo(1);
    }

    @Test
    void theAddressArrayMaySpanPages() {
        long descriptor = 7L * PAGE + PAGE - 16;
        long[] pages = new long[10];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = (40L + i) * PAGE;
        }
        put(descriptor, XencommDescriptor.encode(pages, pages.length));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        for (int i = 0; i < pages.length; i++) {
            assertThat(region.translate((long) i * PAGE + 7)).isEqualTo(pages[i] + 7);
        }
    }

    @Test
    void badHeadersAreRefusedWithXenErrnos() {
        put(8L * PAGE, XencommDescriptor.encode(new long[] {30L * PAGE}, 1));
        assertRefused(8L * PAGE + 4, XenErrno.EINVAL);                    // misaligned
        put(9L * PAGE + PAGE - 4, new byte[] {0x58, 0x43, 0x4F, 0x4D});
        assertThatThrownBy(() -> DescriptorGuestRegion.open(memory, 9L * PAGE + PAGE - 4, metrics))
                .isInstanceOfSatisfying(XenException.class, e -> {
                    assertThat(e.errno()).isEqualTo(XenErrno.EINVAL);
                    assertThat(e.getMessage()).contains("crosses a page");
                });
        put(10L * PAGE, new byte[] {0x58, 0x43, 0x4F, 0x4E, 0, 0, 0, 1});
        assertRefused(10L * PAGE, XenErrno.EINVAL);                        // magic
        put(11L * PAGE, new byte[] {0x58, 0x43, 0x4F, 0x4D, 0, 1, 0, 1});
        assertRefused(11L * PAGE, XenErrno.EINVAL);                        // nr_addrs above the bound
        put(12L * PAGE, new byte[] {0x58, 0x43, 0x4F, 0x4D, -1, -1, -1, -1});
        assertRefused(12L * PAGE, XenErrno.EINVAL);
        assertRefused(64L * PAGE, XenErrno.EFAULT);                        // not RAM of the domain
        memory.removeRam(13);
        assertRefused(13L * PAGE, XenErrno.EFAULT);                        // ballooned out
        assertRefused(Long.MIN_VALUE + 8, XenErrno.EFAULT);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isZero();
    }

    @Test
    void foreignOrNonRamFramesAndUnreadableEntriesAreFaultsNotExceptions() {
        long descriptor = 14L * PAGE;
        put(descriptor, XencommDescriptor.encode(new long[] {30L * PAGE, 64L * PAGE, 0x8000_0000_0000_1000L, 31L * PAGE}, 4));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        assertThat(region.translate(0)).isEqualTo(30L * PAGE);
        assertThat(region.translate(PAGE)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(2L * PAGE)).isEqualTo(XenErrno.EFAULT.asResult());

        // nr_addrs names entries on a page the domain no longer holds.
        long tail = 15L * PAGE + PAGE - 8;
        put(tail, new byte[] {0x58, 0x43, 0x4F, 0x4D, 0, 0, 0, 2});
        memory.removeRam(16);
        DescriptorGuestRegion cut = DescriptorGuestRegion.open(memory, tail, metrics);
        assertThat(cut.translate(0)).isEqualTo(XenErrno.EFAULT.asResult());
    }

    /**
     * Xen's xencomm_add_offset: a continuation advances the descriptor in place; consumed entries
     * become INVALID, the entry where the bytes run out moves forward, the handle stays.
     */
    @Test
    void advancingRewritesTheDescriptorInPlaceAsXencommAddOffsetDoes() {
        long descriptor = 5L * PAGE + 64;
        put(descriptor, XencommDescriptor.encode(new long[] {10L * PAGE + 4000, XencommDescriptor.INVALID, 20L * PAGE, 12L * PAGE}, 4));
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, 96 + 100, metrics);
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        assertThat(region.translate(0)).as("the old offset 196").isEqualTo(20L * PAGE + 100);
        assertThat(region.translate(PAGE - 100)).isEqualTo(12L * PAGE);
        assertThat(region.translate(2L * PAGE - 100)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(memory.readLong(descriptor + 8, java.nio.ByteOrder.BIG_ENDIAN)).isEqualTo(XencommDescriptor.INVALID);
        assertThat(memory.readLong(descriptor + 24, java.nio.ByteOrder.BIG_ENDIAN)).isEqualTo(20L * PAGE + 100);
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, 10L * PAGE, metrics);
        assertThat(DescriptorGuestRegion.open(memory, descriptor, metrics).translate(0)).as("beyond the entries: all consumed")
                .isEqualTo(XenErrno.EFAULT.asResult());
        assertThatThrownBy(() -> DescriptorGuestRegion.advanceInPlace(memory, 5L * PAGE + 4, 8, metrics))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
    }

    private void assertRefused(long descriptor, XenErrno errno) {
        assertThatThrownBy(() -> DescriptorGuestRegion.open(memory, descriptor, metrics))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(errno));
    }

    private void put(long address, byte[] bytes) {
        memory.writeBytes(address, bytes);
    }
}
