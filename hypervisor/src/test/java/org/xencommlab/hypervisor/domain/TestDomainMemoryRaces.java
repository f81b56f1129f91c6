package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * Reads without the domain's lock (optimistic p2m reads) racing with a balloon: a reader of one
 * guest frame, while another thread gives that frame back, lets a second domain take the very
 * machine frame and fill it with a canary, then populates the gfn again, must only ever see what
 * its own domain's frame held (its pattern, or the zeros of a freshly populated frame) or EFAULT;
 * never the canary, which lives in a frame its domain no longer holds.
 */
final class TestDomainMemoryRaces {
    private static final int PAGE = 4096;
    private static final long GFN = 2;
    private static final byte OWN = 0x11;
    private static final byte CANARY = 0x5c;
    private static final int CYCLES = 3_000;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE), new TestingGuestHandleResolver(512), Map.of());
    private final Domain reader = m.domains.create(DomainSpec.guest(1, 4L * PAGE).withMaxMemoryBytes(8L * PAGE));
    private final Domain thief = m.domains.create(DomainSpec.guest(2, 0).withMaxMemoryBytes(8L * PAGE));

    @Test
    void aReaderNeverSeesTheBytesOfAFrameItsDomainGaveBack() throws Exception {
        GuestPhysicalMemory memory = reader.memory();
        byte[] own = filled(OWN);
        memory.write(GFN * PAGE, own, 0, PAGE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong faults = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        Thread readerThread = new Thread(() -> {
            byte[] seen = new byte[PAGE];
            started.countDown();
            while (!stop.get() && wrong.get() == null) {
                try {
                    memory.read(GFN * PAGE, seen, 0, PAGE);
                    // Its own pattern, or the zeros of a freshly populated frame (partly refilled
                    // by its own domain's racing write): nothing else was ever in its frame.
                    if (!onlyOwnOrZero(seen)) {
                        wrong.set("page read " + Arrays.toString(Arrays.copyOf(seen, 8)) + "...");
                    }
                    long word = memory.readLong(GFN * PAGE + 8 * (reads.get() & 511), ByteOrder.LITTLE_ENDIAN);
                    if (!onlyOwnOrZero(word)) {
                        wrong.set("word read 0x" + Long.toHexString(word));
                    }
                    reads.incrementAndGet();
                } catch (XenException e) {
                    if (e.errno() != XenErrno.EFAULT) {
                        wrong.set("errno " + e.errno());
                    }
                    faults.incrementAndGet();
                }
            }
        }, "optimistic-reader");
        readerThread.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long reused = 0;
        try {
            for (int i = 0; i < CYCLES && wrong.get() == null; i++) {
                long mfn = reader.mfnOf(GFN);
                reader.decreaseReservation(GFN, 0);
                // The allocator hands out the frame freed last first: the thief gets ours.
                thief.populatePhysmap(0, 0);
                if (thief.mfnOf(0) == mfn) {
                    reused++;
                }
                thief.memory().write(0, filled(CANARY), 0, PAGE);
                thief.decreaseReservation(0, 0);
                reader.populatePhysmap(GFN, 0);
                memory.write(GFN * PAGE, own, 0, PAGE);
            }
        } finally {
            stop.set(true);
            readerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(readerThread.isAlive()).isFalse();
        assertThat(wrong.get()).isNull();
        assertThat(reused).isEqualTo(CYCLES);
        assertThat(reads.get() + faults.get()).isPositive();
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void isRamFollowsTheP2mUnderConcurrentChanges() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread probe = new Thread(() -> {
            while (!stop.get() && wrong.get() == null) {
                // gfn 0 is never given back, gfn 100 lies outside the physmap; gfn 2 comes and goes.
                if (!reader.isRam(0)) {
                    wrong.set("gfn 0 reported not RAM");
                }
                if (reader.isRam(100)) {
                    wrong.set("gfn 100 outside the physmap reported RAM");
                }
                reader.isRam(GFN);
            }
        }, "isram-probe");
        probe.start();
        try {
            for (int i = 0; i < CYCLES && wrong.get() == null; i++) {
                reader.decreaseReservation(GFN, 0);
                assertThat(reader.isRam(GFN)).isFalse();
                reader.populatePhysmap(GFN, 0);
                assertThat(reader.isRam(GFN)).isTrue();
            }
        } finally {
            stop.set(true);
            probe.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(probe.isAlive()).isFalse();
        assertThat(wrong.get()).isNull();
    }

    private static byte[] filled(byte value) {
        byte[] page = new byte[PAGE];
        Arrays.fill(page, value);
        return page;
    }

    private static boolean onlyOwnOrZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != OWN && b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyOwnOrZero(long word) {
        for (int i = 0; i < 8; i++) {
            byte b = (byte) (word >>> (8 * i));
            if (b != OWN && b != 0) {
                return false;
            }
        }
        return true;
    }
}
