package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * privcmd's check of a tool's handles at the edges of where they may be: the first and the last
 * argument, one past the last, a site that is not an argument, a nested handle at the first and
 * at the last whole word of its structure, one byte further, and a nested site that claims to be
 * an argument. A kernel address anywhere it is looked for is EPERM; a site the finder placed
 * where no word is, is refused before anything reaches the hypervisor.
 */
final class TestKernelHandleGuardBounds {
    private static final int OP = 40;
    private static final long KERNEL_VA = X86AddressSpace.DIRECT_MAP_BASE + 0x1000;
    private static final int STRUCT = 24;

    private final TestingDomain domain = new TestingDomain(512);
    private final TestingUserProcessServices process = domain.process(64);
    private final X86GuestXencomm.X86ProcessState state =
            new X86GuestXencomm(X86BufferConfig.defaults()).attachKernel(domain.kernel()).attachProcess(process);
    private final long structure = process.mmapAnonymous(4096);

    private static HandleSiteFinder finding(HandleSite... sites) {
        return (op, args, reader) -> op == OP ? Optional.of(List.of(sites)) : Optional.empty();
    }

    private XenErrno errnoOf(long[] args, HandleSiteFinder finder) {
        try {
            state.prepareUserHypercall(OP, args, finder);
        } catch (XenException e) {
            return e.errno();
        }
        return null;
    }

    /** Writes the structure's three words. */
    private void words(long first, long second, long third) {
        byte[] bytes = ByteBuffer.allocate(STRUCT).order(ByteOrder.LITTLE_ENDIAN).putLong(first).putLong(second).putLong(third).array();
        process.writeMemory(structure, bytes, 0, bytes.length);
    }

    private static HandleSite leafAt(long offset) {
        return HandleSite.field(offset, 8, List.of());
    }

    @Test
    void theFirstAndTheLastArgumentAreChecked() {
        long[] args = {KERNEL_VA, 0, 0, 0, 0x1000};
        assertThat(errnoOf(args, finding(HandleSite.argument(0, 8, List.of())))).isEqualTo(XenErrno.EPERM);

        long[] last = {0, 0, 0, 0, KERNEL_VA};
        assertThat(errnoOf(last, finding(HandleSite.argument(4, 8, List.of())))).isEqualTo(XenErrno.EPERM);
        assertThat(errnoOf(new long[] {0x1000, 0, 0, 0, 0x2000}, finding(HandleSite.argument(0, 8, List.of()), HandleSite.argument(4, 8, List.of()))))
                .as("user addresses pass").isNull();
    }

    @Test
    void aSiteOnePastTheLastArgumentIsEinval() {
        long[] args = {0x1000, 0, 0};
        assertThat(errnoOf(args, finding(HandleSite.argument(3, 8, List.of())))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(args, finding(HandleSite.argument(2, 8, List.of())))).isNull();
    }

    @Test
    void aTopLevelSiteThatIsAFieldIsEinval() {
        assertThat(errnoOf(new long[] {0x1000}, finding(leafAt(0)))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void nestedHandlesAtTheFirstAndTheLastWordOfTheirStructureAreRead() {
        HandleSite site = HandleSite.argument(1, STRUCT, List.of(leafAt(0), leafAt(STRUCT - 8)));
        long[] args = {0, structure, 0};

        words(KERNEL_VA, 0, 0x2000);
        assertThat(errnoOf(args, finding(site))).as("kernel address in the first word").isEqualTo(XenErrno.EPERM);
        words(0x2000, 0, KERNEL_VA);
        assertThat(errnoOf(args, finding(site))).as("kernel address in the last word").isEqualTo(XenErrno.EPERM);
        words(0x2000, KERNEL_VA, 0x3000);
        assertThat(errnoOf(args, finding(site))).as("the middle word is no handle").isNull();
    }

    @Test
    void aNestedHandleThatRunsPastItsStructureIsEfault() {
        words(0, 0, 0);
        long[] args = {0, structure, 0};
        assertThat(errnoOf(args, finding(HandleSite.argument(1, STRUCT, List.of(leafAt(STRUCT - 7)))))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(args, finding(HandleSite.argument(1, STRUCT, List.of(leafAt(STRUCT)))))).isEqualTo(XenErrno.EFAULT);
        assertThat(errnoOf(args, finding(HandleSite.argument(1, 4, List.of(leafAt(0)))))).as("a structure smaller than a word").isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aNestedSiteThatIsAnArgumentIsEfault() {
        words(0, 0, 0);
        HandleSite site = HandleSite.argument(1, STRUCT, List.of(HandleSite.argument(0, 8, List.of())));
        assertThat(errnoOf(new long[] {0, structure, 0}, finding(site))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aNullHandleHasNoFieldsToRead() {
        HandleSite site = HandleSite.argument(1, STRUCT, List.of(leafAt(STRUCT)));
        assertThat(errnoOf(new long[] {0, 0, 0}, finding(site))).isNull();
    }
}
