package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * A domain's guest-physical memory at its edges: an access stays inside one page, a word is
 * aligned, a frame the domain does not hold is EFAULT and nothing is copied, a write (and only a
 * write) marks its page dirty, and an empty access touches nothing.
 */
final class TestGuestPhysicalAccess {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE), new TestingGuestHandleResolver(512), Map.of());
    /** RAM at gfns 0..3 of a 16-frame physmap. */
    private final Domain d = m.domains.create(DomainSpec.guest(1, 4L * PAGE).withMaxMemoryBytes(16L * PAGE));
    private final GuestPhysicalMemory mem = d.memory();

    private static byte[] bytes(int length, int from) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static void assertEfault(Runnable access) {
        assertThatThrownBy(access::run).isInstanceOf(XenException.class)
                .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(XenErrno.EFAULT));
    }

    @Test
    void namesItsDomainAndPageSize() {
        assertThat(mem.domid()).isEqualTo(1);
        assertThat(mem.pageSize()).isEqualTo(PageSize.SIZE_4K);
        assertThat(mem.isRam(3)).isTrue();
        assertThat(mem.isRam(4)).isFalse();
        assertThat(mem).hasToString("physical memory of d1");
    }

    @Test
    void aWholePageIsOnePiece() {
        byte[] page = bytes(PAGE, 7);
        mem.write(2L * PAGE, page, 0, PAGE);
        byte[] back = new byte[PAGE];
        mem.read(2L * PAGE, back, 0, PAGE);
        assertThat(back).containsExactly(page);
    }

    @Test
    void aPieceEndingAtThePageEndIsAccepted() {
        mem.write(PAGE + 10, bytes(PAGE - 10, 1), 0, PAGE - 10);
        byte[] back = new byte[PAGE - 10];
        mem.read(PAGE + 10, back, 0, PAGE - 10);
        assertThat(back).containsExactly(bytes(PAGE - 10, 1));
        mem.zero(PAGE + 10, PAGE - 10);
        mem.read(PAGE + 10, back, 0, PAGE - 10);
        assertThat(back).containsOnly(0);
    }

    @Test
    void aPieceCrossingThePageEndIsRefusedAndChangesNothing() {
        mem.write(PAGE, bytes(PAGE, 1), 0, PAGE);
        mem.write(2L * PAGE, bytes(PAGE, 1), 0, PAGE);
        d.dirtyLog().clean();
        assertThatIllegalArgumentException().isThrownBy(() -> mem.write(PAGE + 1, new byte[PAGE], 0, PAGE));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.write(0, new byte[PAGE + 1], 0, PAGE + 1));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.zero(PAGE + 1, PAGE));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.read(PAGE + 1, new byte[PAGE], 0, PAGE));
        byte[] back = new byte[PAGE];
        mem.read(PAGE, back, 0, PAGE);
        assertThat(back).containsExactly(bytes(PAGE, 1));
        mem.read(2L * PAGE, back, 0, PAGE);
        assertThat(back).containsExactly(bytes(PAGE, 1));
        assertThat(d.dirtyLog().dirtyPages()).isZero();
    }

    @Test
    void aNegativeLengthIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> mem.read(0, new byte[4], 0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.write(0, new byte[4], 0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.zero(0, -1));
    }

    @Test
    void theBufferOffsetIsChecked() {
        assertThatThrownBy(() -> mem.read(0, new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> mem.write(0, new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(d.dirtyLog().isDirty(0)).isFalse();
    }

    @Test
    void buffersAreReadAndWrittenAtTheirOffsets() {
        mem.write(100, bytes(10, 0), 4, 3);
        byte[] back = {9, 9, 9, 9, 9};
        mem.read(100, back, 1, 3);
        assertThat(back).containsExactly(9, 4, 5, 6, 9);
    }

    @Test
    void anEmptyAccessOutsideRamTouchesNothing() {
        mem.read(8L * PAGE, new byte[0], 0, 0);
        mem.write(8L * PAGE, new byte[0], 0, 0);
        mem.zero(8L * PAGE, 0);
        mem.write(PAGE, new byte[0], 0, 0);
        mem.zero(PAGE, 0);
        assertThat(d.dirtyLog().dirtyPages()).as("an empty write dirties nothing").isZero();
    }

    @Test
    void memoryTheDomainDoesNotHoldIsEfaultAndNothingIsCopied() {
        byte[] dst = {5, 5, 5, 5};
        assertEfault(() -> mem.read(4L * PAGE, dst, 0, 4));
        assertThat(dst).containsOnly(5);
        assertEfault(() -> mem.write(4L * PAGE, bytes(4, 1), 0, 4));
        assertEfault(() -> mem.zero(4L * PAGE, 4));
        assertEfault(() -> mem.readLong(4L * PAGE, ByteOrder.LITTLE_ENDIAN));
        assertEfault(() -> mem.writeLong(4L * PAGE, 1, ByteOrder.LITTLE_ENDIAN));
        assertEfault(() -> mem.read(100L * PAGE, dst, 0, 4));
        assertThat(d.dirtyLog().dirtyPages()).isZero();
        assertThat(d.isRam(4)).isFalse();
    }

    @Test
    void aFrameGivenBackIsEfault() {
        mem.write(3L * PAGE, bytes(4, 1), 0, 4);
        d.decreaseReservation(3, 0);
        assertEfault(() -> mem.read(3L * PAGE, new byte[4], 0, 4));
        assertEfault(() -> mem.readLong(3L * PAGE, ByteOrder.BIG_ENDIAN));
    }

    @Test
    void writesMarkExactlyTheirPageDirty() {
        mem.write(2L * PAGE + 5, bytes(3, 1), 0, 3);
        assertThat(d.dirtyLog().isDirty(2)).isTrue();
        assertThat(d.dirtyLog().dirtyPages()).isEqualTo(1);
        mem.writeLong(3L * PAGE + 8, 42, ByteOrder.LITTLE_ENDIAN);
        assertThat(d.dirtyLog().isDirty(3)).isTrue();
        mem.zero(PAGE, 16);
        assertThat(d.dirtyLog().isDirty(1)).isTrue();
        assertThat(d.dirtyLog().dirtyPages()).isEqualTo(3);
        d.dirtyLog().clean();
        mem.read(2L * PAGE, new byte[8], 0, 8);
        mem.readLong(3L * PAGE + 8, ByteOrder.LITTLE_ENDIAN);
        assertThat(d.dirtyLog().dirtyPages()).as("reads dirty nothing").isZero();
        d.populatePhysmap(8, 0); // a p2m change: every access above let go of its lock
        assertThat(d.isRam(8)).isTrue();
    }

    @Test
    void aBadArgumentIsReportedBeforeMissingMemory() {
        long notRam = 6L * PAGE;
        assertThatIllegalArgumentException().isThrownBy(() -> mem.zero(notRam, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.zero(notRam + 1, PAGE));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.read(notRam + 1, new byte[PAGE], 0, PAGE));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.write(notRam + 1, new byte[PAGE], 0, PAGE));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.readLong(notRam + 4, ByteOrder.LITTLE_ENDIAN));
        assertThatIllegalArgumentException().isThrownBy(() -> mem.writeLong(notRam + 4, 1, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void wordsAreStoredInTheOrderAsked() {
        mem.writeLong(16, 0x0102030405060708L, ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[8];
        mem.read(16, raw, 0, 8);
        assertThat(raw).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(mem.readLong(16, ByteOrder.LITTLE_ENDIAN)).isEqualTo(0x0102030405060708L);
        assertThat(mem.readLong(16, ByteOrder.BIG_ENDIAN)).isEqualTo(0x0807060504030201L);
        mem.writeLong(PAGE - 8, -2, ByteOrder.BIG_ENDIAN);
        assertThat(mem.readLong(PAGE - 8, ByteOrder.BIG_ENDIAN)).as("the last word of a page").isEqualTo(-2);
    }

    @Test
    void aWordMustBeAligned() {
        for (int misalignment = 1; misalignment < 8; misalignment++) {
            long address = PAGE + misalignment;
            assertThatIllegalArgumentException().isThrownBy(() -> mem.readLong(address, ByteOrder.LITTLE_ENDIAN));
            assertThatIllegalArgumentException().isThrownBy(() -> mem.writeLong(address, 1, ByteOrder.LITTLE_ENDIAN));
        }
        assertThat(d.dirtyLog().dirtyPages()).isZero();
    }

    /**
     * Holds a p2m change in progress (the domain's lock taken exclusive, waiting for machine
     * memory's monitor, which the test holds), so that reads cannot take their lock-free path:
     * they wait for the change and then take the locked one. Each must still see the domain's
     * bytes and RAM, and let go of its lock, so the next p2m change can run.
     */
    @Test
    void readsDuringAP2mChangeWaitForItAndSeeTheDomainsBytes() throws Exception {
        mem.write(PAGE + 8, bytes(8, 1), 0, 8);
        byte[] seen = new byte[8];
        long[] word = new long[1];
        boolean[] ram = new boolean[2];
        Thread writer = new Thread(() -> d.populatePhysmap(8, 0));
        Thread[] readers = {
            new Thread(() -> mem.read(PAGE + 8, seen, 0, 8)),
            new Thread(() -> word[0] = mem.readLong(PAGE + 8, ByteOrder.LITTLE_ENDIAN)),
            new Thread(() -> ram[0] = d.isRam(9)),
            new Thread(() -> ram[1] = d.isRam(1)),
        };
        synchronized (m.machine) {
            writer.start();
            awaitState(writer, Thread.State.BLOCKED);
            for (Thread reader : readers) {
                reader.start();
                awaitState(reader, Thread.State.WAITING);
            }
            assertThat(seen).as("nothing is copied before the change is done").containsOnly(0);
        }
        writer.join(10_000);
        for (Thread reader : readers) {
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
        }
        assertThat(seen).containsExactly(bytes(8, 1));
        assertThat(word[0]).isEqualTo(0x0807060504030201L);
        assertThat(ram[0]).as("gfn 9 is not RAM").isFalse();
        assertThat(ram[1]).isTrue();
        assertThat(d.isRam(8)).isTrue();
        d.populatePhysmap(9, 0); // would wait forever if a reader kept its lock
        assertThat(d.totPages()).isEqualTo(6);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as(thread + " never reached " + state).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void zeroClearsOnlyItsRange() {
        mem.write(0, bytes(32, 1), 0, 32);
        mem.zero(8, 16);
        byte[] back = new byte[32];
        mem.read(0, back, 0, 32);
        for (int i = 0; i < 32; i++) {
            assertThat(back[i]).as("byte " + i).isEqualTo(i >= 8 && i < 24 ? (byte) 0 : (byte) (1 + i));
        }
    }
}
