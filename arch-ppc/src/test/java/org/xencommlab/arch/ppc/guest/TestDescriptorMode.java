package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyFrom;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyTo;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.pattern;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.descriptor.XencommDescriptor;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** {@code mode=descriptor}: the kernel builds xencomm descriptors per hypercall; the hypervisor walks them. */
final class TestDescriptorMode {
    private static final int PAGE = 4096;
    private static final int OP_BUFFER = 99;
    private static final int OP_STRUCT = 98;
    private static final int OP_TWO = 97;

    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 11);
    private final PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());
    private final TestingProcess tool = kernel.spawn();
    private final PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();

    private static HandleSiteFinder finder(long bufferLength) {
        return (op, args, reader) -> switch (op) {
            case OP_BUFFER -> Optional.of(List.of(HandleSite.argument(1, bufferLength, List.of())));
            case OP_STRUCT -> Optional.of(List.of(HandleSite.argument(0, 32, List.of(HandleSite.field(8, bufferLength, List.of())))));
            case OP_TWO -> Optional.of(List.of(HandleSite.argument(0, bufferLength, List.of()), HandleSite.argument(1, bufferLength, List.of())));
            default -> Optional.empty();
        };
    }

    @Test
    void aFullDescriptorNamesEachPagePieceByteForByte() {
        HypercallBuffer buffer = api.allocBuf(6);
        buffer.allocMem(20);
        BufferSlice slice = buffer.allocMem(5 * PAGE);
        assertThat(slice.reference().value()).isEqualTo(buffer.userAddress() + 24);
        byte[] content = pattern(6, 5 * PAGE);
        tool.writeMemory(slice.userAddress(), content, 0, content.length);

        PreparedHypercall call = PpcStates.process(xencomm, tool).prepareUserHypercall(OP_BUFFER, new long[] {7, slice.reference().value(), 3}, finder(5 * PAGE));
        long descriptor = call.args()[1];
        assertThat(call.args()[0]).isEqualTo(7);
        assertThat(call.args()[2]).isEqualTo(3);
        assertThat(PpcMemref.isInline(descriptor)).isFalse();
        assertThat(descriptor % 8).isZero();

        ByteBuffer expected = ByteBuffer.allocate(8 + 6 * 8).order(ByteOrder.BIG_ENDIAN);
        expected.put(new byte[] {0x58, 0x43, 0x4F, 0x4D}).putInt(6);
        expected.putLong(tool.translate(slice.userAddress()));
        for (int i = 1; i < 6; i++) {
            expected.putLong(tool.translate(buffer.userAddress() + (long) i * PAGE));
        }
        assertThat(domain.memory().readBytes(descriptor, 56)).isEqualTo(expected.array());
        assertThat(machine.metrics().get(PpcMetrics.DESCRIPTORS)).isEqualTo(1);
        assertThat(machine.metrics().get(PpcMetrics.DESCRIPTOR_ENTRIES)).isEqualTo(6);

        assertThat(copyFrom(machine, 0, descriptor, 0, content.length)).isEqualTo(content);
        // Each entry covers to the end of its page, so the last one reaches to the end of page 5.
        assertThat(copyFrom(machine, 0, descriptor, 0, 6 * PAGE - 24)).isNotNull();
        assertThat(copyFrom(machine, 0, descriptor, 0, 6 * PAGE - 23)).as("past the last entry").isNull();
        byte[] reply = pattern(7, 1000);
        assertThat(copyTo(machine, 0, descriptor, 3 * PAGE - 500, reply)).isZero();
        call.completion().run();
        byte[] seen = new byte[1000];
        tool.readMemory(slice.userAddress() + 3 * PAGE - 500, seen, 0, 1000);
        assertThat(seen).isEqualTo(reply);
        assertThat(kernel.outstandingBlocks()).isZero();
        assertThat(kernel.userFrames()).as("only the mapping holds the frames again").isEqualTo(6);
        call.completion().run();
        assertThat(kernel.outstandingBlocks()).isZero();
    }

    /**
     * PPC Linux's privcmd used xencomm_map, never the 3-entry mini descriptor, and xencomm_alloc
     * sizes it as ((buffer + bytes) | ~PAGE_MASK) - (buffer & PAGE_MASK) + 1 >> PAGE_SHIFT: exact
     * for a buffer ending inside a page, one INVALID entry more for one ending on a boundary.
     */
    @Test
    void aUserBufferGetsLinuxsXencommMapDescriptorSizedAsXencommAllocSizesIt() {
        HypercallBuffer buffer = api.allocBuf(2);
        BufferSlice slice = buffer.allocMem(PAGE + 8);
        tool.writeMemory(slice.userAddress(), pattern(1, PAGE + 8), 0, PAGE + 8);
        PreparedHypercall call = PpcStates.process(xencomm, tool).prepareUserHypercall(OP_BUFFER, new long[] {0, slice.reference().value()}, finder(PAGE + 8));
        long descriptor = call.args()[1];
        ByteBuffer expected = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN)
                .putInt(0x58434F4D).putInt(2)
                .putLong(tool.translate(slice.userAddress()))
                .putLong(tool.translate(slice.userAddress() + PAGE));
        assertThat(domain.memory().readBytes(descriptor, 24)).as("two pages spanned, two entries, no mini padding")
                .isEqualTo(expected.array());
        assertThat(copyFrom(machine, 0, descriptor, 0, PAGE + 8)).isEqualTo(pattern(1, PAGE + 8));
        assertThat(machine.metrics().get(PpcMetrics.DESCRIPTOR_ENTRIES)).isEqualTo(2);
        call.completion().run();

        assertThat(slice.userAddress() % PAGE).as("the slice starts a page").isZero();
        PreparedHypercall whole = PpcStates.process(xencomm, tool).prepareUserHypercall(OP_BUFFER, new long[] {0, slice.reference().value()}, finder(PAGE));
        ByteBuffer one = ByteBuffer.wrap(domain.memory().readBytes(whole.args()[1], 24)).order(ByteOrder.BIG_ENDIAN);
        assertThat(one.getInt(4)).as("one page that ends on a boundary: two entries").isEqualTo(2);
        assertThat(one.getLong(8)).isEqualTo(tool.translate(slice.userAddress()));
        assertThat(one.getLong(16)).as("the extra entry is XENCOMM_INVALID").isEqualTo(-1L);
        assertThat(copyFrom(machine, 0, whole.args()[1], 0, PAGE)).isEqualTo(pattern(1, PAGE));
        whole.completion().run();

        assertThat(XencommDescriptor.linuxNrAddrs(0x1000, 0x1000, 12)).isEqualTo(2);
        assertThat(XencommDescriptor.linuxNrAddrs(0x1000, 0xFFF, 12)).isEqualTo(1);
        assertThat(XencommDescriptor.linuxNrAddrs(0x1FFF, 2, 12)).isEqualTo(2);
        assertThat(XencommDescriptor.linuxNrAddrs(0x1008, 8, 12)).isEqualTo(1);
    }

    @Test
    void nestedHandlesAreRewrittenInAKernelCopyAndResultsCopiedBack() {
        HypercallBuffer buffer = api.allocBuf(3);
        BufferSlice struct = buffer.allocMem(32);
        BufferSlice data = buffer.allocMem(2 * PAGE);
        ByteBuffer user = ByteBuffer.allocate(32).order(PpcGuestXencomm.STRUCTURE_ORDER).putLong(0x1111).putLong(data.reference().value()).putLong(0).putLong(0x4444);
        tool.writeMemory(struct.userAddress(), user.array(), 0, 32);
        tool.writeMemory(data.userAddress(), pattern(3, 2 * PAGE), 0, 2 * PAGE);

        PreparedHypercall call = PpcStates.process(xencomm, tool).prepareUserHypercall(OP_STRUCT, new long[] {struct.reference().value()}, finder(2 * PAGE));
        long copy = call.args()[0];
        assertThat(PpcMemref.isInline(copy)).as("the kernel copy is passed inline").isTrue();
        byte[] seenByXen = copyFrom(machine, 0, copy, 0, 32);
        ByteBuffer fields = ByteBuffer.wrap(seenByXen).order(PpcGuestXencomm.STRUCTURE_ORDER);
        assertThat(fields.getLong(0)).isEqualTo(0x1111);
        long nested = fields.getLong(8);
        assertThat(nested).isNotEqualTo(data.reference().value());
        assertThat(copyFrom(machine, 0, nested, 0, 2 * PAGE)).isEqualTo(pattern(3, 2 * PAGE));

        byte[] result = ByteBuffer.allocate(8).order(PpcGuestXencomm.STRUCTURE_ORDER).putLong(0x2222).array();
        assertThat(copyTo(machine, 0, copy, 16, result)).isZero();
        call.completion().run();
        byte[] after = new byte[32];
        tool.readMemory(struct.userAddress(), after, 0, 32);
        ByteBuffer back = ByteBuffer.wrap(after).order(PpcGuestXencomm.STRUCTURE_ORDER);
        assertThat(back.getLong(0)).isEqualTo(0x1111);
        assertThat(back.getLong(8)).as("the user's pointer survives").isEqualTo(data.reference().value());
        assertThat(back.getLong(16)).isEqualTo(0x2222);
        assertThat(back.getLong(24)).isEqualTo(0x4444);
        assertThat(kernel.outstandingBlocks()).isZero();
    }

    @Test
    void anUnknownHypercallIsEnosysAndAFailureHalfwayUndoesEverything() {
        HypercallBuffer buffer = api.allocBuf(2);
        BufferSlice slice = buffer.allocMem(100);
        assertThatThrownBy(() -> PpcStates.process(xencomm, tool).prepareUserHypercall(5, new long[] {slice.reference().value()}, finder(100)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSYS));
        assertThatThrownBy(() -> PpcStates.process(xencomm, tool).prepareUserHypercall(5, new long[] {1}, HandleSiteFinder.NONE))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSYS));
        tool.writeMemory(slice.userAddress(), new byte[100], 0, 100);
        int frames = kernel.userFrames();
        assertThatThrownBy(() -> PpcStates.process(xencomm, tool).prepareUserHypercall(OP_TWO, new long[] {slice.reference().value(), 0xc000_0000_0000_1000L}, finder(100)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        assertThat(kernel.outstandingBlocks()).isZero();
        assertThat(kernel.userFrames()).isEqualTo(frames);
        assertThatThrownBy(() -> PpcStates.process(xencomm, tool).prepareUserHypercall(OP_TWO, new long[] {slice.reference().value(), 0x7000_0000L}, finder(100)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        assertThat(kernel.outstandingBlocks()).isZero();
    }

    @Test
    void nullHandlesStayNullAndTheHypervisorHasNoRegistrationHypercall() {
        PreparedHypercall call = PpcStates.process(xencomm, tool).prepareUserHypercall(OP_BUFFER, new long[] {0, 0}, finder(100));
        assertThat(call.args()[1]).isZero();
        call.completion().run();
        assertThat(machine.hypercall(0, 48, 0, PpcMemref.inline(0x1000), 1)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(domain.archState().registrationTable()).isNull();
    }

    @Test
    void deviceBuffersArePassedInline() {
        TestingMachine device = new TestingMachine(machine.config().withBuffers(PpcConfig.BufferSource.DEVICE).withDevicePages(8));
        TestingDomain dom = device.createDomain(0, 512, 1 << 20);
        TestingKernel k = new TestingKernel(device, dom, 5);
        PpcGuestXencomm x = new PpcGuestXencomm(device.config());
        TestingProcess p = k.spawn();
        HypercallBuffer buffer = PpcStates.process(x, p).openUserBuffers().allocBuf(3);
        BufferSlice slice = buffer.allocMem(2 * PAGE);
        p.writeMemory(slice.userAddress(), pattern(9, 2 * PAGE), 0, 2 * PAGE);
        PreparedHypercall call = PpcStates.process(x, p).prepareUserHypercall(OP_BUFFER, new long[] {0, slice.reference().value()}, finder(2 * PAGE));
        assertThat(call.args()[1]).isEqualTo(PpcMemref.inline(p.translate(slice.userAddress())));
        assertThat(copyFrom(device, 0, call.args()[1], 0, 2 * PAGE)).isEqualTo(pattern(9, 2 * PAGE));
        assertThat(device.metrics().get(PpcMetrics.DESCRIPTORS)).isZero();
        call.completion().run();
    }
}
