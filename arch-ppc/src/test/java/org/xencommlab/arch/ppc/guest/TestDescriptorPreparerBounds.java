package org.xencommlab.arch.ppc.guest;

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
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.descriptor.XencommDescriptor;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** Descriptor mode's preparation of a tool's call at the edges of each bound, and the copy back of a structure. */
final class TestDescriptorPreparerBounds {
    private static final int PAGE = 4096;
    private static final ByteOrder ORDER = PpcGuestXencomm.STRUCTURE_ORDER;
    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 19);
    private final TestingProcess tool = kernel.spawn();
    private final ProcessRecord record = new ProcessRecord();

    private static HandleSiteFinder finding(HandleSite... sites) {
        return (op, args, reader) -> Optional.of(List.of(sites));
    }

    private PreparedHypercall prepare(long[] args, HandleSite... sites) {
        return new DescriptorPreparer(tool, record, ORDER).prepare(12, args, finding(sites));
    }

    private XenErrno refused(long[] args, HandleSite... sites) {
        try {
            prepare(args, sites).completion().run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aSiteMustNameAnArgumentTheCallHasAndARefusalReleasesEverything() {
        long user = tool.mmapAnonymous(PAGE);
        int blocks = kernel.outstandingBlocks();
        assertThat(refused(new long[] {user, 0}, HandleSite.argument(0, 8, List.of()), HandleSite.argument(2, 8, List.of())))
                .isEqualTo(XenErrno.EINVAL);
        assertThat(kernel.outstandingBlocks()).isEqualTo(blocks);
        PreparedHypercall call = prepare(new long[] {0, user}, HandleSite.argument(1, 8, List.of()));
        assertThat(call.args()[1]).isNotEqualTo(user).isNotZero();
        assertThat(call.args()[1] % XencommDescriptor.ALIGNMENT).as("8-byte aligned").isZero();
        assertThat(call.args()[1]).as("in the kernel's own memory, not page 0").isGreaterThanOrEqualTo(PAGE);
        assertThat(domain.memory().readBytes(call.args()[1], 4)).containsExactly(0x58, 0x43, 0x4F, 0x4D);
        call.completion().run();
        assertThat(kernel.outstandingBlocks()).isEqualTo(blocks);
    }

    @Test
    void aDeviceRangeAtPhysicalZeroPassesInline() {
        long user = tool.mmapAnonymous(PAGE);
        record.addDeviceMapping(new ProcessRecord.DeviceMapping(user, PAGE, 0));
        assertThat(prepare(new long[] {user}, HandleSite.argument(0, 16, List.of())).args()[0]).isEqualTo(PpcMemref.inline(0));
    }

    @Test
    void aHandleOfTwoGibibytesLessOneIsNotTooLongItself() {
        long user = tool.mmapAnonymous(PAGE);
        record.addDeviceMapping(new ProcessRecord.DeviceMapping(user, 1L << 32, 0x1000));
        assertThat(prepare(new long[] {user}, HandleSite.argument(0, Integer.MAX_VALUE, List.of())).args()[0])
                .isEqualTo(PpcMemref.inline(0x1000));
        assertThat(refused(new long[] {user}, HandleSite.argument(0, Integer.MAX_VALUE + 1L, List.of()))).isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void aDescriptorHoldsAtMostItsMaximumOfEntriesCountedAsLinuxCounts() {
        long user = tool.mmapAnonymous(PAGE) + 8;
        long most = XencommDescriptor.MAX_ADDRS;
        assertThat(refused(new long[] {user}, HandleSite.argument(0, most * PAGE - 8, List.of())))
                .as("ends on a boundary: one entry more than its pages").isEqualTo(XenErrno.E2BIG);
        assertThat(refused(new long[] {user}, HandleSite.argument(0, (most - 1) * PAGE - 8, List.of())))
                .as("exactly the maximum, then the unmapped pages fault").isNotEqualTo(XenErrno.E2BIG);
        assertThat(refused(new long[] {user}, HandleSite.argument(0, most * PAGE - 9, List.of())))
                .as("the same pages, not ending on a boundary").isNotEqualTo(XenErrno.E2BIG);
    }

    /** A 32-byte structure with a nested handle at 8 naming 16 bytes, sent to a "hypervisor" that changes it. */
    @Test
    void aStructureComesBackWithWhatTheHypervisorChangedButNeverItsRewrittenHandles() {
        long struct = tool.mmapAnonymous(PAGE);
        long data = tool.mmapAnonymous(PAGE);
        byte[] original = ByteBuffer.allocate(32).order(ORDER).putLong(0x1111).putLong(data).putLong(0x3333).putLong(0x4444).array();
        tool.writeMemory(struct, original, 0, 32);
        PreparedHypercall call = prepare(new long[] {struct},
                HandleSite.argument(0, 32, List.of(HandleSite.field(8, 16, List.of()))));
        long copy = PpcMemref.inlineAddress(call.args()[0]);
        byte[] sent = domain.memory().readBytes(copy, 32);
        assertThat(ByteBuffer.wrap(sent).order(ORDER).getLong(8)).as("rewritten to a descriptor").isNotEqualTo(data);
        byte[] changed = sent.clone();
        changed[0] = 0x77;
        changed[9] = 0x55;
        changed[31] = 0x66;
        domain.memory().writeBytes(copy, changed);
        call.completion().run();
        byte[] back = new byte[32];
        tool.readMemory(struct, back, 0, 32);
        assertThat(back[0]).isEqualTo((byte) 0x77);
        assertThat(ByteBuffer.wrap(back).order(ORDER).getLong(8)).as("the tool's own handle, not the hypervisor's bytes").isEqualTo(data);
        assertThat(java.util.Arrays.copyOfRange(back, 16, 31)).isEqualTo(java.util.Arrays.copyOfRange(original, 16, 31));
        assertThat(back[31]).isEqualTo((byte) 0x66);
    }

    @Test
    void theLastByteOfAStructureComesBack() {
        long struct = tool.mmapAnonymous(PAGE);
        tool.writeMemory(struct, new byte[16], 0, 16);
        PreparedHypercall call = prepare(new long[] {struct}, HandleSite.argument(0, 16, List.of(HandleSite.field(0, 0, List.of()))));
        long copy = PpcMemref.inlineAddress(call.args()[0]);
        domain.memory().writeBytes(copy + 15, new byte[] {0x42});
        call.completion().run();
        byte[] back = new byte[16];
        tool.readMemory(struct, back, 0, 16);
        assertThat(back[15]).isEqualTo((byte) 0x42);
    }

    @Test
    void aNestedHandleMustLieWhollyInsideItsStructure() {
        long struct = tool.mmapAnonymous(PAGE);
        tool.writeMemory(struct, new byte[32], 0, 32);
        prepare(new long[] {struct}, HandleSite.argument(0, 32, List.of(HandleSite.field(24, 8, List.of())))).completion().run();
        prepare(new long[] {struct}, HandleSite.argument(0, 32, List.of(HandleSite.field(0, 8, List.of())))).completion().run();
        assertThat(refused(new long[] {struct}, HandleSite.argument(0, 32, List.of(HandleSite.field(25, 8, List.of())))))
                .isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void theDescribedPagesAreUnpinnedWhenTheCallCompletes() {
        long user = tool.mmapAnonymous(2 * PAGE);
        tool.writeMemory(user, new byte[2 * PAGE], 0, 2 * PAGE);
        int held = kernel.userFrames();
        PreparedHypercall call = prepare(new long[] {user + 100}, HandleSite.argument(0, PAGE, List.of()));
        call.completion().run();
        assertThat(kernel.userFrames()).isEqualTo(held);
        tool.munmap(user, 2 * PAGE);
        assertThat(kernel.userFrames()).as("nothing left pinned").isEqualTo(held - 2);
    }
}
