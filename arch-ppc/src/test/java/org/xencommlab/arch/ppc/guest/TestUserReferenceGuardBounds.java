package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** The guard reads a tool's structures only inside the tool's own buffers, to their last byte and no further. */
final class TestUserReferenceGuardBounds {
    private static final int PAGE = 4096;
    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults());
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 17);
    private final TestingProcess tool = kernel.spawn();
    private final ProcessRecord record = new ProcessRecord();
    private final HypercallBuffer buffer = new RegisteredBufferApi(tool, record, true).allocBuf(1);
    private final long bufid = PpcMemref.bufidOf(buffer.id());
    private final UserReferenceGuard guard = new UserReferenceGuard(tool, record, null, ByteOrder.BIG_ENDIAN);

    private static HandleSiteFinder finding(HandleSite... sites) {
        return (op, args, reader) -> Optional.of(List.of(sites));
    }

    private void writeWord(long offset, long value) {
        byte[] word = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(value).array();
        tool.writeMemory(buffer.userAddress() + offset, word, 0, 8);
    }

    private static XenException refusal(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aSiteMustNameAnArgumentTheCallHas() {
        long[] args = {1, bufid};
        assertThatCode(() -> guard.check(12, args, finding(HandleSite.argument(1, 8, List.of())))).doesNotThrowAnyException();
        assertThat(refusal(() -> guard.check(12, args, finding(HandleSite.argument(2, 8, List.of())))).errno()).isEqualTo(XenErrno.EINVAL);
        assertThatCode(() -> guard.check(12, args, (op, a, reader) -> Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void aNestedHandleMustLieWhollyInsideItsStructure() {
        writeWord(8, PpcMemref.inline(0x2000));
        long[] args = {bufid};
        HandleSite inside = HandleSite.argument(0, 16, List.of(HandleSite.field(8, 4, List.of())));
        assertThat(refusal(() -> guard.check(12, args, finding(inside))).errno()).as("read, and found inline").isEqualTo(XenErrno.EPERM);
        HandleSite past = HandleSite.argument(0, 16, List.of(HandleSite.field(9, 4, List.of())));
        assertThat(refusal(() -> guard.check(12, args, finding(past))).errno()).isEqualTo(XenErrno.EFAULT);
        HandleSite shorter = HandleSite.argument(0, 15, List.of(HandleSite.field(8, 4, List.of())));
        assertThat(refusal(() -> guard.check(12, args, finding(shorter))).errno()).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aStructureIsReadToTheLastByteOfItsBufferAndNoFurther() {
        writeWord(PAGE - 8, PpcMemref.inline(0x2000));
        HandleSite site = HandleSite.argument(0, 16, List.of(HandleSite.field(8, 4, List.of())));
        long atEnd = PpcMemref.withOffset(bufid, PAGE - 16);
        assertThat(refusal(() -> guard.check(12, new long[] {atEnd}, finding(site))).errno()).isEqualTo(XenErrno.EPERM);
        long pastEnd = PpcMemref.withOffset(bufid, PAGE - 15);
        assertThat(refusal(() -> guard.check(12, new long[] {pastEnd}, finding(site))).errno()).isEqualTo(XenErrno.EFAULT);
        writeWord(PAGE - 8, 0);
        assertThatCode(() -> guard.check(12, new long[] {atEnd}, finding(site))).doesNotThrowAnyException();
    }

    @Test
    void theRefusalNamesTheCallAndTheArgument() {
        assertThat(refusal(() -> UserReferenceGuard.refuseInlineWords(0, new long[] {PpcMemref.inline(8)})).getMessage())
                .startsWith("EPERM: hypercall 0: argument 0 is an inline reference");
        HandleSite site = HandleSite.argument(0, 8, List.of());
        assertThat(refusal(() -> guard.check(12, new long[] {bufid}, (op, args, reader) -> {
            byte[] word = new byte[8];
            reader.read(PpcMemref.inline(0x10), word, 0, 8);
            return Optional.of(List.of(site));
        })).getMessage()).startsWith("EPERM: a structure is an inline reference");
        writeWord(0, PpcMemref.inline(0x2000));
        HandleSite nested = HandleSite.argument(0, 8, List.of(HandleSite.field(0, 4, List.of())));
        assertThat(refusal(() -> guard.check(12, new long[] {bufid}, finding(nested))).getMessage()).startsWith("EPERM: field at 0 is an inline");
    }
}
