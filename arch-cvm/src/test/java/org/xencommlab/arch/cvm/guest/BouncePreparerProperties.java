package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.testing.CvmRig;
import org.xencommlab.arch.cvm.testing.TestingCvmProcess;

/**
 * privcmd's bounce of a tool's structure with one nested handle, for any structure size and any
 * place of the handle: a handle whose word lies inside the structure is bounced (the structure
 * is sent with the bounce address there and given back with the tool's own pointer), any other is
 * EFAULT; either way every slot taken comes back.
 */
final class BouncePreparerProperties {
    private final CvmRig rig = new CvmRig(new CvmConfig(CvmConfig.BufferMode.BOUNCE, 64));
    private final TestingCvmProcess process = (TestingCvmProcess) rig.startProcess();
    private final ProcessXencomm xencomm = rig.xencomm(process);
    private final BouncePool pool = ((CvmKernelState) rig.kernelXencomm()).pool();
    private final long nested = userBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    private long userBytes(byte[] bytes) {
        long address = process.mmapAnonymous(bytes.length);
        process.writeMemory(address, bytes, 0, bytes.length);
        return address;
    }

    @Property
    void aNestedHandleIsBouncedExactlyWhenItsWordLiesInsideItsStructure(
            @ForAll @IntRange(min = 1, max = 64) int length, @ForAll @IntRange(min = 0, max = 72) int offset) {
        int slots = pool.slotsInUse();
        byte[] struct = new byte[length];
        for (int i = 0; i < length; i++) {
            struct[i] = (byte) (0x40 + i);
        }
        boolean fits = offset + 8 <= length;
        if (fits) {
            ByteBuffer.wrap(struct).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, nested);
        }
        long structAt = userBytes(struct);
        HandleSite site = HandleSite.argument(0, length, List.of(HandleSite.field(offset, 8, List.of())));

        PreparedHypercall prepared;
        try {
            prepared = xencomm.prepareUserHypercall(40, new long[] {structAt}, (op, args, reader) -> Optional.of(List.of(site)));
        } catch (XenException e) {
            assertThat(fits).isFalse();
            assertThat(e.errno()).isEqualTo(XenErrno.EFAULT);
            assertThat(pool.slotsInUse()).isEqualTo(slots);
            return;
        }
        assertThat(fits).isTrue();
        byte[] sent = rig.machine().read(prepared.args()[0], length);
        long bounce = ByteBuffer.wrap(sent).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
        assertThat(bounce).isNotEqualTo(nested);
        assertThat(rig.machine().read(bounce, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        for (int i = 0; i < length; i++) {
            if (i < offset || i >= offset + 8) {
                assertThat(sent[i]).isEqualTo(struct[i]);
            }
        }

        prepared.completion().run();

        byte[] back = new byte[length];
        process.readMemory(structAt, back, 0, length);
        assertThat(back).isEqualTo(struct);
        assertThat(pool.slotsInUse()).isEqualTo(slots);
        process.munmap(structAt, length);
    }
}
