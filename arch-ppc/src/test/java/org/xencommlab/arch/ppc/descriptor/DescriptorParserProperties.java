package org.xencommlab.arch.ppc.descriptor;

import org.xencommlab.api.memory.PageSize;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.GuestRegion;

/** Whatever a guest writes where a descriptor should be, the hypervisor validates it or refuses it with an errno. */
final class DescriptorParserProperties {
    private static final int PAGE = 4096;
    private static final int FRAMES = 32;

    @Property(tries = 300)
    void anyBytesValidateOrAreRefusedWithAnErrnoAndNothingThrows(
            @ForAll("addresses") long address,
            @ForAll("headers") byte[] header,
            @ForAll @Size(max = 12) List<@net.jqwik.api.From("entries") Long> entries,
            @ForAll @Size(max = 8) List<@net.jqwik.api.From("offsets") Long> offsets,
            @ForAll boolean balloonArrayPage) {
        TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(3, PageSize.SIZE_4K, FRAMES);
        ByteBuffer bytes = ByteBuffer.allocate(header.length + entries.size() * 8).order(ByteOrder.BIG_ENDIAN);
        bytes.put(header);
        entries.forEach(bytes::putLong);
        long end = Math.min((long) FRAMES * PAGE, address + bytes.capacity());
        if (address >= 0 && address < (long) FRAMES * PAGE) {
            byte[] written = new byte[(int) (end - address)];
            System.arraycopy(bytes.array(), 0, written, 0, written.length);
            memory.writeBytes(address, written);
        }
        if (balloonArrayPage && address >= 0 && address < (long) FRAMES * PAGE - PAGE) {
            memory.removeRam(address / PAGE + 1);
        }
        RunMetrics metrics = new RunMetrics();
        GuestRegion region;
        try {
            region = DescriptorGuestRegion.open(memory, address, metrics);
        } catch (XenException e) {
            assertThat(e.errno()).isIn(XenErrno.EINVAL, XenErrno.EFAULT);
            return;
        }
        assertThat(address % 8).isZero();
        for (long offset : offsets) {
            long result = region.translate(offset);
            if (result < 0) {
                assertThat(XenErrno.fromResult(result)).contains(XenErrno.EFAULT);
            } else {
                assertThat(memory.isRam(result / PAGE)).as("translated to a frame the domain holds").isTrue();
            }
        }
    }

    @Provide
    Arbitrary<Long> addresses() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, (long) FRAMES * PAGE + PAGE).map(a -> a & ~7L),
                Arbitraries.longs().between(0, (long) FRAMES * PAGE + PAGE),
                Arbitraries.longs().between(0, FRAMES).map(p -> p * PAGE + PAGE - 8),
                Arbitraries.longs().between(0, FRAMES).map(p -> p * PAGE + PAGE - 4),
                Arbitraries.longs());
    }

    @Provide
    Arbitrary<byte[]> headers() {
        Arbitrary<byte[]> valid = Arbitraries.integers().between(0, 14)
                .map(n -> ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(XencommDescriptor.MAGIC).putInt(n).array());
        Arbitrary<byte[]> huge = Arbitraries.integers()
                .map(n -> ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(XencommDescriptor.MAGIC).putInt(n).array());
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(8);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, valid), net.jqwik.api.Tuple.of(2, huge), net.jqwik.api.Tuple.of(2, random));
    }

    @Provide
    Arbitrary<Long> entries() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, (long) (FRAMES + 4) * PAGE),
                Arbitraries.just(XencommDescriptor.INVALID),
                Arbitraries.longs());
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 16L * PAGE), Arbitraries.longs());
    }
}
