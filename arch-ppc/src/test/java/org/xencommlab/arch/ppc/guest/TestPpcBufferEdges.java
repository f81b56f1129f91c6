package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** Hypercall buffers at their edges: sizes, growth, slices, the device's whole area, and what is traced. */
final class TestPpcBufferEdges {
    private static final int PAGE = 4096;

    private static XenErrno errnoOf(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("not refused");
    }

    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults());
    private final TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private final TestingKernel kernel = new TestingKernel(machine, domain, 23);
    private final PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());
    private final TestingProcess tool = kernel.spawn();
    private final PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();

    @Test
    void aBufferHasAtLeastOneAndAtMostTheLargestNumberOfPages() {
        assertThat(errnoOf(() -> api.allocBuf(0))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> api.allocBuf(PpcMemref.MAX_BUFFER_PAGES + 1))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> api.allocBuf(PpcMemref.MAX_BUFFER_PAGES))).as("allowed, then more than the domain has")
                .isNotEqualTo(XenErrno.E2BIG);
    }

    @Test
    void growingDoublesOrFitsWhatIsNeededAndRefusesOnlyBeyondTheLargest() {
        HypercallBuffer one = api.allocBuf(1);
        HypercallBuffer two = api.grow(one, 100);
        assertThat(two.nrPages()).isEqualTo(2);
        HypercallBuffer four = api.grow(two, 2 * PAGE);
        assertThat(four.nrPages()).as("double, though two pages would hold it exactly").isEqualTo(4);
        HypercallBuffer six = api.grow(four, 5L * PAGE + 1);
        assertThat(six.nrPages()).isEqualTo(8);
        HypercallBuffer fitted = api.grow(api.allocBuf(1), 5L * PAGE + 1);
        assertThat(fitted.nrPages()).isEqualTo(6);
        HypercallBuffer exact = api.grow(api.allocBuf(1), 3L * PAGE);
        assertThat(exact.nrPages()).isEqualTo(3);
        assertThat(errnoOf(() -> api.grow(six, (long) PpcMemref.MAX_BUFFER_PAGES * PAGE + 1))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> api.grow(one, 10))).as("a freed buffer").isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anEmptySliceIsNullAndAFullBufferSaysWhatIsLeft() {
        HypercallBuffer buffer = api.allocBuf(1);
        BufferSlice empty = buffer.allocMem(0);
        assertThat(empty.reference()).isEqualTo(MemoryReference.NULL);
        assertThat(errnoOf(() -> buffer.allocMem(-1))).isEqualTo(XenErrno.EINVAL);
        buffer.allocMem(PAGE - 8);
        assertThatThrownBy(() -> buffer.allocMem(16)).isInstanceOfSatisfying(XenException.class, e -> {
            assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC);
            assertThat(e.getMessage()).endsWith("has 8 left");
        });
        assertThat(buffer.allocMem(8).reference().value()).isEqualTo(PpcMemref.withOffset(PpcMemref.bufidOf(buffer.id()), PAGE - 8));
    }

    @Test
    void registeringAndCleaningUpAreTracedWithWhatTheyDid() {
        HypercallBuffer buffer = api.allocBuf(2);
        api.allocBuf(1);
        List<String> registrations = machine.trace().events(TraceKind.REGISTRATION).stream().map(TraceEvent::detail).toList();
        assertThat(registrations).contains("pid " + tool.pid() + " alloc_buf 2 pages bufid 0x" + Long.toHexString(PpcMemref.bufidOf(buffer.id())));
        tool.exit();
        assertThat(machine.trace().events(TraceKind.PROCESS).stream().map(TraceEvent::detail))
                .contains("pid " + tool.pid() + " exit: 2 registrations released");
    }

    @Test
    void freeingABufferTheHypervisorNoLongerKnowsReportsItsErrno() {
        HypercallBuffer buffer = api.allocBuf(1);
        long bufid = PpcMemref.bufidOf(buffer.id());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.UNREGISTER, bufid)).isZero();
        assertThat(errnoOf(() -> api.freeBuf(buffer))).isEqualTo(XenErrno.ENOENT);
    }

    @Test
    void theKernelStateNamesItsBlocksToTheirLastByteAndIsLiveUntilReleased() {
        PpcKernelState state = PpcStates.kernel(xencomm, kernel);
        assertThat(state.kernel()).isSameAs(kernel);
        assertThat(state.isReleased()).isFalse();
        KernelBlock block = kernel.kmalloc(64);
        assertThat(state.kernelReference(block, 60, 4).value()).isEqualTo(PpcMemref.inline(block.physicalAddress() + 60));
        assertThat(state.kernelReference(block, 64, 0).value()).isEqualTo(PpcMemref.inline(block.physicalAddress() + 64));
        assertThat(errnoOf(() -> state.kernelReference(block, 61, 4))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> state.kernelReference(block, -1, 1))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> state.kernelReference(block, 0, -1))).isEqualTo(XenErrno.EINVAL);
        state.release();
        assertThat(state.isReleased()).isTrue();
        assertThat(errnoOf(() -> state.attachProcess(kernel.spawn()))).isEqualTo(XenErrno.ESRCH);
    }

    @Test
    void aDeviceBufferMayTakeTheWholeAreaAndPassesInlineAtItsOwnPhysicalPlaceUntilFreed() {
        TestingMachine device = new TestingMachine(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR)
                .withBuffers(PpcConfig.BufferSource.DEVICE).withDevicePages(4));
        TestingDomain dom = device.createDomain(0, 512, 1 << 20);
        TestingKernel k = new TestingKernel(device, dom, 29);
        PpcGuestXencomm x = new PpcGuestXencomm(device.config());
        TestingProcess t = k.spawn();
        PpcProcessState process = PpcStates.process(x, t);
        PpcBufferApi buffers = process.openUserBuffers();
        HypercallBuffer whole = buffers.allocBuf(4);
        buffers.freeBuf(whole);
        assertThat(errnoOf(() -> buffers.allocBuf(5))).isEqualTo(XenErrno.ENOMEM);
        buffers.allocBuf(1);
        HypercallBuffer second = buffers.allocBuf(2);
        long address = second.userAddress() + PAGE + 16;
        HandleSiteFinder finder = (op, args, reader) -> Optional.of(List.of(HandleSite.argument(0, 32, List.of())));
        PreparedHypercall call = process.prepareUserHypercall(12, new long[] {address}, finder);
        assertThat(call.args()[0]).isEqualTo(PpcMemref.inline(t.translate(address)));
        call.completion().run();
        buffers.freeBuf(second);
        assertThat(errnoOf(() -> process.prepareUserHypercall(12, new long[] {address}, finder).completion().run()))
                .as("no longer a device range").isNotNull();
    }

    @Test
    void aProcessStateIsLiveUntilItsProcessExits() {
        PpcProcessState state = PpcStates.process(xencomm, tool);
        assertThat(state.isReleased()).isFalse();
        tool.exit();
        assertThat(state.isReleased()).isTrue();
    }

    @Test
    void growingAFreedBufferMapsNothing() {
        HypercallBuffer buffer = api.allocBuf(1);
        api.freeBuf(buffer);
        int mappings = tool.mappingCount();
        assertThat(errnoOf(() -> api.grow(buffer, 10))).isEqualTo(XenErrno.EINVAL);
        assertThat(tool.mappingCount()).isEqualTo(mappings);
    }
}
