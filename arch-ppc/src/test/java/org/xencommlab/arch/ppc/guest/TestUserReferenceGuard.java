package org.xencommlab.arch.ppc.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.strategy.embedded.form.EmbeddedStrategy;
import org.xencommlab.strategy.pointer.form.PointerHandleSites;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingKernel;
import org.xencommlab.arch.ppc.testing.TestingMachine;
import org.xencommlab.arch.ppc.testing.TestingProcess;

/**
 * Registration mode (and descriptor mode's unknown calls): a user's handle may not be an inline
 * reference, at the top level or nested in a structure of its buffer.
 */
final class TestUserReferenceGuard {
    private static final HandleSiteFinder POINTER = new PointerHandleSites();
    private static final int UNKNOWN_OP = HypercallNumber.GRANT_TABLE_OP;
    private static final byte[] SECRET = "kernel secret: never a tool's...".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A domain with a console and a memory_op that only counts, a kernel secret, and one tool. */
    private static final class Guest {
        final TestingMachine machine;
        final TestingKernel kernel;
        final PpcGuestXencomm xencomm;
        final TestingProcess tool;
        final PpcBufferApi api;
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final AtomicInteger consoleCalls = new AtomicInteger();
        final AtomicInteger memoryOps = new AtomicInteger();
        final long secret;

        Guest(PpcConfig config) {
            machine = new TestingMachine(config);
            TestingDomain domain = machine.createDomain(0, 512, 1 << 20);
            kernel = new TestingKernel(machine, domain, 13);
            xencomm = new PpcGuestXencomm(config);
            tool = kernel.spawn();
            api = PpcStates.process(xencomm, tool).openUserBuffers();
            machine.addHandler(HypercallNumber.CONSOLE_IO, (context, args) -> {
                consoleCalls.incrementAndGet();
                int count = (int) args[1];
                byte[] bytes = new byte[count];
                if (args[0] == SubOps.ConsoleIo.WRITE) {
                    if (context.guest().copyFromGuest(bytes, 0, new MemoryReference(args[2]), 0, count) != 0) {
                        return XenErrno.EFAULT.asResult();
                    }
                    console.writeBytes(bytes);
                    return count;
                }
                return context.guest().copyToGuest(new MemoryReference(args[2]), 0, bytes, 0, count) != 0 ? XenErrno.EFAULT.asResult() : count;
            });
            machine.addHandler(HypercallNumber.MEMORY_OP, (context, args) -> {
                memoryOps.incrementAndGet();
                return 0;
            });
            KernelBlock block = kernel.kmalloc(SECRET.length);
            kernel.physicalMemory().write(block.physicalAddress(), SECRET, 0, SECRET.length);
            secret = PpcMemref.inline(block.physicalAddress());
        }

        /** What privcmd's hypercall ioctl does: prepare, issue, complete; a refusal is the errno. */
        long privcmd(HandleSiteFinder finder, int op, long... args) {
            PreparedHypercall prepared;
            try {
                prepared = PpcStates.process(xencomm, tool).prepareUserHypercall(op, args.clone(), finder);
            } catch (XenException e) {
                return e.asResult();
            }
            try {
                return machine.hypercall(0, op, prepared.args());
            } finally {
                prepared.completion().run();
            }
        }

        /** A 32-byte reservation in {@code buffer} naming {@code extentStart}, one extent. */
        BufferSlice reservation(HypercallBuffer buffer, long extentStart) {
            BufferSlice slice = buffer.allocMem(32);
            writeReservation(slice, extentStart);
            return slice;
        }

        void writeReservation(BufferSlice slice, long extentStart) {
            byte[] bytes = ByteBuffer.allocate(32).order(PpcGuestXencomm.STRUCTURE_ORDER)
                    .putLong(extentStart).putLong(1).putInt(0).putInt(0).putShort((short) 0x7FF0).array();
            tool.writeMemory(slice.userAddress(), bytes, 0, bytes.length);
        }

        long increaseReservation(BufferSlice reservation) {
            return privcmd(POINTER, HypercallNumber.MEMORY_OP, SubOps.MemoryOp.INCREASE_RESERVATION, reservation.reference().value());
        }
    }

    private static PpcConfig registration() {
        return PpcConfig.defaults();
    }

    private static PpcConfig device() {
        return PpcConfig.defaults().withBuffers(PpcConfig.BufferSource.DEVICE).withDevicePages(16);
    }

    private static void assertEperm(long result) {
        assertThat(result).isEqualTo(XenErrno.EPERM.asResult());
    }

    @Test
    void anInlineConsoleWriteOrReadIsEpermAndTheHypervisorSeesNoCall() {
        for (PpcConfig config : new PpcConfig[] {registration(), device()}) {
            Guest guest = new Guest(config);
            guest.api.allocBuf(1);
            // The hypervisor itself would honour the reference: the guard is the only barrier.
            assertThat(guest.machine.hypercall(0, HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, SECRET.length, guest.secret))
                    .isEqualTo(SECRET.length);
            assertThat(guest.console.toByteArray()).isEqualTo(SECRET);
            guest.console.reset();
            int calls = guest.consoleCalls.get();

            assertEperm(guest.privcmd(POINTER, HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, SECRET.length, guest.secret));
            assertEperm(guest.privcmd(POINTER, HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.READ, SECRET.length, guest.secret));
            assertThat(guest.consoleCalls.get()).as(config.buffers() + ": nothing issued").isEqualTo(calls);
            assertThat(guest.console.size()).isZero();
            byte[] kernelBytes = new byte[SECRET.length];
            guest.kernel.physicalMemory().read(PpcMemref.inlineAddress(guest.secret), kernelBytes, 0, kernelBytes.length);
            assertThat(kernelBytes).isEqualTo(SECRET);
        }
    }

    @Test
    void aRegisteredConsoleWriteStillPassesUnchanged() {
        for (PpcConfig config : new PpcConfig[] {registration(), device()}) {
            Guest guest = new Guest(config);
            BufferSlice text = guest.api.allocBuf(1).allocMem(5);
            guest.tool.writeMemory(text.userAddress(), "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 5);
            long[] args = {SubOps.ConsoleIo.WRITE, 5, text.reference().value()};
            PreparedHypercall prepared = PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(HypercallNumber.CONSOLE_IO, args, POINTER);
            assertThat(prepared.args()).isEqualTo(args);
            prepared.completion().run();
            assertThat(guest.privcmd(POINTER, HypercallNumber.CONSOLE_IO, args)).isEqualTo(5);
            assertThat(guest.console.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    @Test
    void aNestedInlineExtentStartInTheToolsReservationIsEperm() {
        for (PpcConfig config : new PpcConfig[] {registration(), device()}) {
            Guest guest = new Guest(config);
            HypercallBuffer buffer = guest.api.allocBuf(2);
            BufferSlice extents = buffer.allocMem(8);
            BufferSlice reservation = guest.reservation(buffer, guest.secret);

            assertEperm(guest.increaseReservation(reservation));
            assertThat(guest.memoryOps.get()).as(config.buffers() + ": nothing issued").isZero();

            guest.writeReservation(reservation, extents.reference().value());
            assertThat(guest.increaseReservation(reservation)).isZero();
            assertThat(guest.memoryOps.get()).isEqualTo(1);
        }
    }

    @Test
    void handlesNestedInAMulticallListAreCheckedToTheirLeaves() {
        Guest guest = new Guest(registration());
        HypercallBuffer buffer = guest.api.allocBuf(2);
        BufferSlice extents = buffer.allocMem(8);
        BufferSlice reservation = guest.reservation(buffer, guest.secret);
        BufferSlice list = buffer.allocMem(2 * MulticallEntry.SIZE);
        byte[] entries = new byte[2 * MulticallEntry.SIZE];
        MulticallEntry.of(HypercallNumber.XEN_VERSION, 0).encode(entries, 0);
        MulticallEntry.of(HypercallNumber.MEMORY_OP, SubOps.MemoryOp.INCREASE_RESERVATION, reservation.reference().value())
                .encode(entries, MulticallEntry.SIZE);
        guest.tool.writeMemory(list.userAddress(), entries, 0, entries.length);
        long[] args = {list.reference().value(), 2};
        assertEperm(guest.privcmd(POINTER, HypercallNumber.MULTICALL, args));

        guest.writeReservation(reservation, extents.reference().value());
        PreparedHypercall prepared = PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(HypercallNumber.MULTICALL, args.clone(), POINTER);
        assertThat(prepared.args()).isEqualTo(args);

        MulticallEntry.of(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, SECRET.length, guest.secret).encode(entries, 0);
        guest.tool.writeMemory(list.userAddress(), entries, 0, entries.length);
        assertEperm(guest.privcmd(POINTER, HypercallNumber.MULTICALL, args));
        assertThat(guest.consoleCalls.get()).isZero();
    }

    @Test
    void aStructureTheKernelCannotReadAsTheToolsIsEfault() {
        Guest guest = new Guest(registration());
        HypercallBuffer buffer = guest.api.allocBuf(1);
        BufferSlice extents = buffer.allocMem(8);
        BufferSlice reservation = guest.reservation(buffer, extents.reference().value());
        long efault = XenErrno.EFAULT.asResult();

        // Past the end of the buffer: the last 16 bytes of it cannot hold a 32-byte reservation.
        long tail = PpcMemref.withOffset(buffer.id(), buffer.capacity() - 16);
        assertThat(guest.privcmd(POINTER, HypercallNumber.MEMORY_OP, SubOps.MemoryOp.INCREASE_RESERVATION, tail)).isEqualTo(efault);
        // Another process's buffer, and a buffer already freed.
        TestingProcess other = guest.kernel.spawn();
        HypercallBuffer theirs = PpcStates.process(guest.xencomm, other).openUserBuffers().allocBuf(1);
        assertThat(guest.privcmd(POINTER, HypercallNumber.MEMORY_OP, SubOps.MemoryOp.INCREASE_RESERVATION, theirs.id())).isEqualTo(efault);
        long stale = reservation.reference().value();
        guest.api.freeBuf(buffer);
        assertThat(guest.privcmd(POINTER, HypercallNumber.MEMORY_OP, SubOps.MemoryOp.INCREASE_RESERVATION, stale)).isEqualTo(efault);
        assertThat(guest.memoryOps.get()).isZero();
    }

    @Test
    void inTheDeviceAreaOnlyTheToolsOwnPiecesAreReadable() {
        Guest guest = new Guest(device());
        HypercallBuffer mine = guest.api.allocBuf(1);
        BufferSlice extents = mine.allocMem(8);
        TestingProcess other = guest.kernel.spawn();
        HypercallBuffer theirs = PpcStates.process(guest.xencomm, other).openUserBuffers().allocBuf(1);
        BufferSlice foreign = theirs.allocMem(32);
        byte[] bytes = ByteBuffer.allocate(32).order(PpcGuestXencomm.STRUCTURE_ORDER).putLong(extents.reference().value()).putLong(1).array();
        other.writeMemory(foreign.userAddress(), bytes, 0, bytes.length);
        assertThat(guest.increaseReservation(foreign)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(guest.memoryOps.get()).isZero();
    }

    @Test
    void anUnknownHypercallWithAnInlineWordIsRefusedAndWithoutOnePasses() {
        Guest guest = new Guest(registration());
        HypercallBuffer buffer = guest.api.allocBuf(1);
        assertThatThrownBy(() -> PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(UNKNOWN_OP, new long[] {1, guest.secret, 3}, POINTER))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EPERM));
        long[] args = {1, buffer.id(), 3, -1L >>> 1};
        assertThat(PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(UNKNOWN_OP, args, POINTER).args()).isEqualTo(args);
        assertThat(PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(UNKNOWN_OP, args, HandleSiteFinder.NONE).args()).isEqualTo(args);
    }

    @Test
    void withCleanUpOffTheKernelStillReadsTheToolsStructures() {
        Guest guest = new Guest(registration().withCleanup(false));
        HypercallBuffer buffer = guest.api.allocBuf(1);
        BufferSlice extents = buffer.allocMem(8);
        BufferSlice reservation = guest.reservation(buffer, guest.secret);
        assertEperm(guest.increaseReservation(reservation));
        guest.writeReservation(reservation, extents.reference().value());
        assertThat(guest.increaseReservation(reservation)).isZero();
        assertThat(PpcStates.process(guest.xencomm, guest.tool).trackedRegistrations()).as("nothing tracked for clean-up").isZero();
    }

    @Test
    void embeddedFormCallsAreUnaffected() {
        Guest guest = new Guest(registration());
        HandleSiteFinder embedded = new EmbeddedStrategy().handleSites();
        BufferSlice block = guest.api.allocBuf(1).allocMem(64);
        long[] args = {SubOps.MemoryOp.INCREASE_RESERVATION, block.reference().value()};
        assertThat(PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(HypercallNumber.MEMORY_OP, args, embedded).args()).isEqualTo(args);
        // A finder that reports no handles does not let an inline block word through.
        assertThatThrownBy(() -> PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(HypercallNumber.MEMORY_OP,
                        new long[] {SubOps.MemoryOp.INCREASE_RESERVATION, guest.secret}, embedded))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EPERM));
        // The embedded ioctl's own reference to its kernel copy is made by the kernel, after the check.
        KernelBlock copy = guest.kernel.kmalloc(64);
        assertThat(PpcMemref.isInline(PpcStates.kernel(guest.xencomm, guest.kernel).kernelReference(copy, 0, 64).value())).isTrue();
        guest.kernel.kfree(copy);
    }

    @Test
    void descriptorModeRefusesAnInlineWordOfAnUnknownCallAsEpermAndAnInlineHandleAsEfault() {
        Guest guest = new Guest(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
        BufferSlice text = guest.api.allocBuf(1).allocMem(16);
        assertThatThrownBy(() -> PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(UNKNOWN_OP, new long[] {guest.secret}, POINTER))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EPERM));
        assertThatThrownBy(() -> PpcStates.process(guest.xencomm, guest.tool).prepareUserHypercall(UNKNOWN_OP, new long[] {text.userAddress()}, POINTER))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSYS));
        int blocks = guest.kernel.outstandingBlocks();
        assertThat(guest.privcmd(POINTER, HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, SECRET.length, guest.secret))
                .as("not a user address").isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(guest.consoleCalls.get()).isZero();
        assertThat(guest.kernel.outstandingBlocks()).isEqualTo(blocks);
    }
}
