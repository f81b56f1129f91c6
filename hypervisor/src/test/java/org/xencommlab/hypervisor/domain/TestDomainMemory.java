package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.hypervisor.TestingMachine;

final class TestDomainMemory {
    private static final int PAGE = 4096;
    private final TestingMachine m = TestingMachine.small();
    private final Domain domain = m.domains.create(DomainSpec.guest(3, 4L * PAGE).withMaxMemoryBytes(8L * PAGE));
    private final GuestPhysicalMemory memory = domain.memory();

    @Test
    void holdsRealBytesAndReadsZeroWhereUntouched() {
        assertThat(memory.domid()).isEqualTo(3);
        assertThat(memory.pageSize().bytes()).isEqualTo(PAGE);
        byte[] data = new byte[PAGE];
        for (int i = 0; i < PAGE; i++) {
            data[i] = (byte) (i * 7);
        }
        memory.write(PAGE, data, 0, PAGE);
        byte[] back = new byte[PAGE + 10];
        memory.read(PAGE, back, 10, PAGE);
        assertThat(java.util.Arrays.copyOfRange(back, 10, PAGE + 10)).isEqualTo(data);
        byte[] untouched = {1, 1};
        memory.read(3L * PAGE + 5, untouched, 0, 2);
        assertThat(untouched).containsOnly(0);
        memory.zero(PAGE + 2, 3);
        memory.read(PAGE, back, 0, 6);
        assertThat(back[0]).isEqualTo((byte) 0);
        assertThat(back[1]).isEqualTo((byte) 7);
        assertThat(back[2]).isZero();
        assertThat(back[4]).isZero();
        assertThat(back[5]).isEqualTo((byte) 35);
    }

    @Test
    void refusesAnAccessThatCrossesAPage() {
        assertThatThrownBy(() -> memory.write(PAGE - 2, new byte[4], 0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.read(0, new byte[4], 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.readLong(PAGE + 4, ByteOrder.BIG_ENDIAN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void faultsOnFramesThatAreNotRam() {
        for (long address : new long[] {4L * PAGE, 7L * PAGE + 8, 1L << 40, -8}) {
            assertThat(memory.isRam(address >>> 12)).isFalse();
            assertThatThrownBy(() -> memory.read(address, new byte[8], 0, 8)).isInstanceOf(XenException.class)
                    .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(XenErrno.EFAULT));
            assertThatThrownBy(() -> memory.writeLong(address, 1, ByteOrder.LITTLE_ENDIAN)).isInstanceOf(XenException.class);
        }
        assertThat(m.machine.backedFrames()).isZero();
        assertThat(domain.dirtyLog().dirtyPages()).isZero();
    }

    @Test
    void wordsHonourByteOrder() {
        memory.writeLong(2L * PAGE + 16, 0x1122334455667788L, ByteOrder.BIG_ENDIAN);
        byte[] raw = new byte[2];
        memory.read(2L * PAGE + 16, raw, 0, 2);
        assertThat(raw).containsExactly(0x11, 0x22);
        assertThat(memory.readLong(2L * PAGE + 16, ByteOrder.LITTLE_ENDIAN)).isEqualTo(0x8877665544332211L);
    }

    @Test
    void writesMarkPagesDirty() {
        memory.write(5, new byte[] {1}, 0, 1);
        memory.write(10, new byte[] {1}, 0, 1);
        memory.writeLong(3L * PAGE, 1, ByteOrder.BIG_ENDIAN);
        memory.read(PAGE, new byte[1], 0, 1);
        assertThat(domain.dirtyLog().dirtyPages()).isEqualTo(2);
        assertThat(domain.dirtyLog().isDirty(0)).isTrue();
        assertThat(domain.dirtyLog().isDirty(1)).isFalse();
        assertThat(domain.dirtyLog().isDirty(3)).isTrue();
        assertThat(domain.dirtyLog().clean()).isEqualTo(2);
        assertThat(domain.dirtyLog().dirtyPages()).isZero();
        assertThat(domain.dirtyLog().isDirty(0)).isFalse();
    }

    @Test
    void populatedFramesBecomeReachable() {
        domain.populatePhysmap(6, 0);
        memory.write(6L * PAGE, new byte[] {42}, 0, 1);
        byte[] one = new byte[1];
        memory.read(6L * PAGE, one, 0, 1);
        assertThat(one[0]).isEqualTo((byte) 42);
    }
}
