package org.xencommlab.arch.x86.guest;

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
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * privcmd's kernel-address check of a tool's structure with one nested handle, for any structure
 * size and any place of the handle: a word inside the structure is read and refused (EPERM) when
 * it holds a kernel address, passed when it holds a user one; a word not wholly inside is EFAULT,
 * whatever the memory holds. The arguments pass through unchanged when accepted.
 */
final class KernelHandleGuardProperties {
    private final TestingDomain domain = new TestingDomain(512);
    private final TestingUserProcessServices process = domain.process(64);
    private final X86GuestXencomm.X86ProcessState state =
            new X86GuestXencomm(X86BufferConfig.defaults()).attachKernel(domain.kernel()).attachProcess(process);
    private final long structAt = process.mmapAnonymous(4096);

    @Property
    void aNestedHandleIsCheckedExactlyWhenItsWordLiesInsideItsStructure(
            @ForAll @IntRange(min = 1, max = 64) int length, @ForAll @IntRange(min = 0, max = 72) int offset, @ForAll boolean kernel) {
        long word = kernel ? X86AddressSpace.DIRECT_MAP_BASE + 0x2000 : 0x7f00_0000_2000L;
        byte[] page = new byte[80];
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, word); // also past the structure's end
        process.writeMemory(structAt, page, 0, page.length);
        HandleSite site = HandleSite.argument(0, length, List.of(HandleSite.field(offset, 8, List.of())));
        long[] args = {structAt, 3};
        boolean inside = offset + 8 <= length;

        XenErrno refused = null;
        try {
            assertThat(state.prepareUserHypercall(40, args, (op, a, reader) -> Optional.of(List.of(site))).args()).containsExactly(args);
        } catch (XenException e) {
            refused = e.errno();
        }

        assertThat(refused).isEqualTo(!inside ? XenErrno.EFAULT : kernel ? XenErrno.EPERM : null);
    }
}
