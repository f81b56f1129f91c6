package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyFrom;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyTo;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.pattern;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/** The mail's protocol end to end through the guest half: alloc_buf, alloc_mem, free, exit. */
final class TestRegisteredBuffers {
    private static final int PAGE = 4096;

    private TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(8));
    private TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
    private TestingKernel kernel = new TestingKernel(machine, domain, 42);
    private PpcGuestXencomm xencomm = new PpcGuestXencomm(machine.config());

    @Test
    void allocMemGivesBufidOrOffsetAndTheHypervisorReachesEveryByteAcrossScatteredFrames() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        HypercallBuffer buffer = api.allocBuf(3);
        assertThat(buffer.capacity()).isEqualTo(3 * PAGE);
        assertThat(PpcMemref.offset(buffer.id())).isZero();
        long gfn0 = tool.translate(buffer.userAddress()) / PAGE;
        long gfn1 = tool.translate(buffer.userAddress() + PAGE) / PAGE;
        assertThat(gfn1).as("frames are not contiguous").isNotEqualTo(gfn0 + 1);

        BufferSlice header = buffer.allocMem(12);
        BufferSlice data = buffer.allocMem(2 * PAGE);
        assertThat(header.reference().value()).isEqualTo(buffer.id());
        assertThat(data.reference().value()).isEqualTo(buffer.id() | 16);
        assertThat(data.userAddress()).isEqualTo(buffer.userAddress() + 16);

        byte[] content = pattern(4, 2 * PAGE);
        tool.writeMemory(data.userAddress(), content, 0, content.length);
        assertThat(copyFrom(machine, 0, data.reference().value(), 0, content.length)).isEqualTo(content);
        byte[] reply = pattern(5, 300);
        assertThat(copyTo(machine, 0, data.reference().value(), PAGE - 150, reply)).isZero();
        byte[] seen = new byte[300];
        tool.readMemory(data.userAddress() + PAGE - 150, seen, 0, 300);
        assertThat(seen).isEqualTo(reply);

        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(1);
        assertThat(domain.heap().used()).isEqualTo(RegistrationTable.chargeFor(3) + RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(kernel.outstandingBlocks()).as("the frame list is freed after the hypercall").isZero();
        assertThat(PpcStates.process(xencomm, tool).trackedRegistrations()).isEqualTo(1);
    }

    /**
     * A continuation advances a bufid | offset within its offset bits (Xen's
     * guest_handle_add_offset); it never carries into the bufid, and an inline reference advances
     * its address.
     */
    @Test
    void advancingAReferenceMovesItsOffsetAndNeverItsBufid() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        HypercallBuffer buffer = api.allocBuf(2);
        BufferSlice data = buffer.allocMem(2 * PAGE);
        byte[] content = pattern(7, 2 * PAGE);
        tool.writeMemory(data.userAddress(), content, 0, content.length);
        MemoryReference advanced = machine.context(0).guest().advance(data.reference(), PAGE + 10);
        assertThat(advanced.value()).isEqualTo(data.reference().value() + PAGE + 10);
        assertThat(copyFrom(machine, 0, advanced.value(), 0, 100)).isEqualTo(java.util.Arrays.copyOfRange(content, PAGE + 10, PAGE + 110));
        long top = PpcMemref.withOffset(PpcMemref.bufidOf(data.reference().value()), PpcMemref.OFFSET_MASK);
        assertThatThrownBy(() -> machine.context(0).guest().advance(new MemoryReference(top), 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        assertThat(machine.context(0).guest().advance(new MemoryReference(PpcMemref.inline(0x5000)), 0x20).value())
                .isEqualTo(PpcMemref.inline(0x5020));
        assertThatThrownBy(() -> machine.context(0).guest().advance(MemoryReference.NULL, 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
    }

    @Test
    void allocMemBeyondTheBufferIsEnospcAndGrowingCountsARetry() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        HypercallBuffer buffer = api.allocBuf(1);
        buffer.allocMem(4000);
        assertThatThrownBy(() -> buffer.allocMem(100))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
        assertThat(buffer.remaining()).isEqualTo(96);
        assertThatThrownBy(() -> buffer.allocMem(-1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));

        HypercallBuffer larger = api.grow(buffer, 4100);
        assertThat(machine.metrics().get(Counter.RETRIES)).isEqualTo(1);
        assertThat(larger.nrPages()).isEqualTo(2);
        larger.allocMem(4000);
        larger.allocMem(100);
        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(2);
        assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(1);
        assertThat(copyFrom(machine, 0, buffer.id(), 0, 1)).as("the old bufid is stale").isNull();
        assertThatThrownBy(() -> api.grow(larger, PpcMemref.MAX_BUFFER_BYTES + 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.E2BIG));
    }

    @Test
    void freeBufUnregistersUnpinsAndUnmaps() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        int freeFrames = kernel.freeFrames();
        HypercallBuffer buffer = api.allocBuf(4);
        buffer.allocMem(10);
        api.freeBuf(buffer);
        assertThat(table().liveCount()).isZero();
        assertThat(domain.heap().used()).as("the table's leaf stays until the domain goes").isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(domain.totalPins()).isZero();
        assertThat(kernel.userFrames()).isZero();
        assertThat(kernel.freeFrames()).isEqualTo(freeFrames);
        assertThat(tool.mappingCount()).isZero();
        assertThat(copyFrom(machine, 0, buffer.id(), 0, 1)).isNull();
        assertThatThrownBy(() -> api.freeBuf(buffer))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        assertThatThrownBy(() -> buffer.allocMem(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        TestingProcess other = kernel.spawn();
        HypercallBuffer foreign = PpcStates.process(xencomm, other).openUserBuffers().allocBuf(1);
        assertThatThrownBy(() -> api.freeBuf(foreign))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
    }

    @Test
    void aFullTableReachesTheToolAsEnospcAndLeavesNoMapping() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        for (int i = 0; i < 8; i++) {
            api.allocBuf(1);
        }
        assertThatThrownBy(() -> api.allocBuf(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
        assertThat(tool.mappingCount()).isEqualTo(8);
        assertThat(kernel.userFrames()).isEqualTo(8);
        assertThatThrownBy(() -> api.allocBuf(0)).isInstanceOf(XenException.class);
        assertThatThrownBy(() -> api.allocBuf(PpcMemref.MAX_BUFFER_PAGES + 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.E2BIG));
    }

    @Test
    void withCleanupOnAKilledProcessLeavesNothingBehind() {
        List<TestingProcess> tools = startToolsWithBuffers();
        assertThat(table().liveCount()).isEqualTo(5);
        tools.forEach(TestingProcess::exit);
        assertThat(table().liveCount()).isZero();
        assertThat(domain.heap().used()).as("the table's leaf stays until the domain goes").isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(domain.totalPins()).isZero();
        assertThat(kernel.userFrames()).isZero();
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
        assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(5);
    }

    @Test
    void aProcessKilledWhileItsRegistrationIsInTheHypervisorLeavesNothingBehind() {
        TestingProcess tool = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, tool).openUserBuffers();
        api.allocBuf(1);
        machine.beforeNextHypercall(tool::exit);
        assertThatThrownBy(() -> api.allocBuf(2))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        assertThat(table().liveCount()).isZero();
        assertThat(domain.heap().used()).as("the table's leaf stays until the domain goes").isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(domain.totalPins()).isZero();
        assertThat(kernel.userFrames()).isZero();
        assertThat(kernel.outstandingBlocks()).isZero();
    }

    @Test
    void withCleanupOffTheRegistrationsHeapAndPinsOfDeadProcessesLeak() {
        machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(8).withCleanup(false));
        domain = machine.createDomain(0, 512, 1 << 20);
        kernel = new TestingKernel(machine, domain, 42);
        xencomm = new PpcGuestXencomm(machine.config());
        List<TestingProcess> tools = startToolsWithBuffers();
        long heap = domain.heap().used();
        tools.forEach(TestingProcess::exit);
        assertThat(table().liveCount()).isEqualTo(5);
        assertThat(domain.heap().used()).isEqualTo(heap).isEqualTo(table().recountHeapBytes()).isPositive();
        assertThat(domain.totalPins()).isEqualTo(6);
        assertThat(kernel.userFrames()).as("pinned user frames outlive their process").isEqualTo(6);
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(5);
        // The hypervisor still writes into the dead process's frames through a leaked bufid.
        long leaked = table().liveRegistrations().get(0).bufid();
        assertThat(copyTo(machine, 0, leaked, 0, new byte[] {1, 2, 3})).isZero();
        // And the leak fills the table: the next tool cannot register anything more than what is left.
        PpcBufferApi next = PpcStates.process(xencomm, kernel.spawn()).openUserBuffers();
        next.allocBuf(1);
        next.allocBuf(1);
        next.allocBuf(1);
        assertThatThrownBy(() -> next.allocBuf(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
    }

    @Test
    void kernelMemoryIsPassedInline() {
        KernelBlock block = kernel.kmalloc(100);
        MemoryReference ref = PpcStates.kernel(xencomm, kernel).kernelReference(block, 10, 50);
        assertThat(ref.value()).isEqualTo(PpcMemref.inline(block.physicalAddress() + 10));
        domain.memory().writeBytes(block.physicalAddress() + 10, pattern(1, 50));
        assertThat(copyFrom(machine, 0, ref.value(), 0, 50)).isEqualTo(pattern(1, 50));
        assertThatThrownBy(() -> PpcStates.kernel(xencomm, kernel).kernelReference(block, 60, 50)).isInstanceOf(XenException.class);
        assertThatThrownBy(() -> PpcStates.kernel(xencomm, kernel).kernelReference(block, -1, 5)).isInstanceOf(XenException.class);
    }

    @Test
    void registrationModePassesArgumentsThrough() {
        long[] args = {1, 2, 3};
        assertThat(PpcStates.process(xencomm, kernel.spawn()).prepareUserHypercall(12, args, (op, a, r) -> java.util.Optional.empty()).args())
                .containsExactly(1, 2, 3);
    }

    // Two tools: one with 1 buffer of 2 pages, one with 4 buffers of 1 page; 6 pages, 5 registrations.
    private List<TestingProcess> startToolsWithBuffers() {
        List<TestingProcess> tools = new ArrayList<>();
        TestingProcess first = kernel.spawn();
        PpcStates.process(xencomm, first).openUserBuffers().allocBuf(2);
        tools.add(first);
        TestingProcess second = kernel.spawn();
        PpcBufferApi api = PpcStates.process(xencomm, second).openUserBuffers();
        for (int i = 0; i < 4; i++) {
            api.allocBuf(1).allocMem(8);
        }
        tools.add(second);
        return tools;
    }

    private RegistrationTable table() {
        return domain.archState().registrationTable();
    }
}
