package org.xencommlab.arch.ppc.descriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;

/** A descriptor's header at the end of a page, its largest count, physical zero, and each step of a walk counted once. */
final class TestDescriptorWalkEdges {
    private static final int PAGE = 4096;
    private final TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(1, PageSize.SIZE_4K, 64);
    private final RunMetrics metrics = new RunMetrics();

    private void put(long address, byte[] bytes) {
        memory.writeBytes(address, bytes);
    }

    private long entry(long descriptor, int i) {
        return ByteBuffer.wrap(memory.readBytes(descriptor + 8 + 8L * i, 8)).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    private static XenErrno errnoOf(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aHeaderEndingAtItsPagesLastByteIsAccepted() {
        long descriptor = 3L * PAGE - 8;
        put(descriptor, XencommDescriptor.encode(new long[] {7L * PAGE}, 1));
        assertThat(DescriptorGuestRegion.open(memory, descriptor, metrics).translate(5)).isEqualTo(7L * PAGE + 5);
        assertThat(errnoOf(() -> DescriptorGuestRegion.open(memory, descriptor + 4, metrics))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void theLargestCountIsAcceptedAndOneMoreRefused() {
        long descriptor = 2L * PAGE;
        put(descriptor, ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(XencommDescriptor.MAGIC)
                .putInt((int) XencommDescriptor.MAX_ADDRS).array());
        assertThat(DescriptorGuestRegion.open(memory, descriptor, metrics).nrAddrs()).isEqualTo((int) XencommDescriptor.MAX_ADDRS);
        put(descriptor, ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(XencommDescriptor.MAGIC)
                .putInt((int) XencommDescriptor.MAX_ADDRS + 1).array());
        assertThat(errnoOf(() -> DescriptorGuestRegion.open(memory, descriptor, metrics))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anEntryOfPhysicalZeroIsAnAddress() {
        long descriptor = 2L * PAGE;
        put(descriptor, XencommDescriptor.encode(new long[] {0, 9L * PAGE}, 2));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        assertThat(region.translate(0)).isZero();
        assertThat(region.translate(PAGE - 1)).isEqualTo(PAGE - 1);
        assertThat(region.translate(PAGE)).as("exactly where the first entry's page ends").isEqualTo(9L * PAGE);
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, 10, metrics);
        assertThat(entry(descriptor, 0)).isEqualTo(10);
    }

    @Test
    void aTranslationAtTheCursorDoesNotWalkAgain() {
        long descriptor = 2L * PAGE;
        put(descriptor, XencommDescriptor.encode(new long[] {5L * PAGE, 9L * PAGE}, 2));
        DescriptorGuestRegion region = DescriptorGuestRegion.open(memory, descriptor, metrics);
        assertThat(region.translate(PAGE)).isEqualTo(9L * PAGE);
        long steps = metrics.get(Counter.TRANSLATION_STEPS);
        assertThat(region.translate(PAGE)).isEqualTo(9L * PAGE);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(steps);
    }

    @Test
    void advancingStopsWhenDoneAndCountsEachEntryRead() {
        long descriptor = 2L * PAGE;
        put(descriptor, XencommDescriptor.encode(new long[] {5L * PAGE + 4000, 9L * PAGE, 11L * PAGE}, 3));
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, 96, metrics);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).as("one entry read, the advance is done").isEqualTo(1 + 0);
        assertThat(entry(descriptor, 0)).isEqualTo(XencommDescriptor.INVALID);
        assertThat(entry(descriptor, 1)).isEqualTo(9L * PAGE);
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, PAGE + 1, metrics);
        assertThat(metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(1 + 3);
        assertThat(entry(descriptor, 1)).isEqualTo(XencommDescriptor.INVALID);
        assertThat(entry(descriptor, 2)).isEqualTo(11L * PAGE + 1);
        long after = descriptor + 8 + 3 * 8;
        assertThat(memory.readBytes(after, 8)).as("nothing written past the last entry").containsOnly(0);
        DescriptorGuestRegion.advanceInPlace(memory, descriptor, 3 * PAGE, metrics);
        assertThat(memory.readBytes(after, 8)).containsOnly(0);
        assertThat(entry(descriptor, 2)).isEqualTo(XencommDescriptor.INVALID);
    }

    @Test
    void aDescriptorAtPhysicalZeroIsADescriptor() {
        put(0, XencommDescriptor.encode(new long[] {7L * PAGE}, 1));
        assertThat(DescriptorGuestRegion.open(memory, 0, metrics).translate(3)).isEqualTo(7L * PAGE + 3);
        assertThat(errnoOf(() -> DescriptorGuestRegion.open(memory, -8, metrics))).isEqualTo(XenErrno.EFAULT);
    }
}
