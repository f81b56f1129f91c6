package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;

/** Physical copies are cut at page ends and land byte for byte where they belong. */
final class TestPhysicalBytesAcrossPages {
    private final TestingGuestPhysicalMemory memory = new TestingGuestPhysicalMemory(1, new PageSize(4096), 8);

    @Test
    void aWriteAcrossThreePagesLandsWhereItBelongs() {
        byte[] src = new byte[4 + 4096 + 6 + 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7 + 1);
        }
        long address = 4096 - 4;
        PhysicalBytes.write(memory, address, src, 3, src.length - 3);
        byte[] back = memory.readBytes(address, src.length - 3);
        assertThat(back).isEqualTo(java.util.Arrays.copyOfRange(src, 3, src.length));
        assertThat(memory.readBytes(address - 1, 1)).containsExactly(0);
        assertThat(memory.readBytes(address + src.length - 3, 1)).containsExactly(0);
    }

    @Test
    void aReadAcrossThreePagesReturnsTheBytesInOrder() {
        byte[] content = new byte[4096 + 10];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 13 + 5);
        }
        long address = 2 * 4096 - 4;
        memory.writeBytes(address, content);
        byte[] dst = new byte[content.length + 2];
        PhysicalBytes.read(memory, address, dst, 2, content.length);
        assertThat(java.util.Arrays.copyOfRange(dst, 2, dst.length)).isEqualTo(content);
        assertThat(dst[0]).isZero();
        assertThat(dst[1]).isZero();
    }
}
