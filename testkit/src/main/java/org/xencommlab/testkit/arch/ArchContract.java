package org.xencommlab.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.testkit.kernel.UserProcessContract;

/**
 * The contract every arch backend keeps, checked through the SPI alone against one domain the
 * module wires itself ({@link ArchRig}): no hypervisor, guest kernel or strategy of the lab is
 * needed. Each check is a contract written in the SPI's Javadoc:
 * <ul>
 *   <li>the page-table format round-trips ({@link PageTableFormat});</li>
 *   <li>the bytes a tool writes into a slice are the bytes the hypervisor reads through the
 *       reference, after {@code prepareUserHypercall}, and what the hypervisor writes the tool
 *       reads back ({@link org.xencommlab.api.xencomm.GuestXencomm});</li>
 *   <li>slice references are linear in their offset: {@code reference + k} names byte {@code k} of
 *       the slice, and so do {@code advance(reference, k)} and offset {@code k} of a copy
 *       ({@link BufferSlice}; the guest's pointer-form placement relies on it);</li>
 *   <li>{@code remaining()} is what {@code allocMem} can still hand out in one slice
 *       ({@link HypercallBuffer#remaining()});</li>
 *   <li>error counts have one owner: a refused {@code allocMem} and a refused
 *       {@code prepareUserHypercall} count nothing (their caller counts what it sees); a refusal of
 *       {@code allocBuf} is counted once, where it was raised
 *       ({@link HypercallBufferApi#allocBuf});</li>
 *   <li>a user's kernel-only references (what {@code kernelReference} makes) are refused, at the
 *       top level, nested in a structure, and in a call no finder knows
 *       ({@link org.xencommlab.api.xencomm.ProcessXencomm#prepareUserHypercall});</li>
 *   <li>{@code accessOk} accepts a slice and refuses a range that overflows
 *       ({@link GuestHandleResolver#accessOk});</li>
 *   <li>a reference never resolves to a frame the domain does not hold, even when the guest maps
 *       one into a tool and names it ({@link DomainArchState});</li>
 *   <li>nothing a tool's buffers took stays behind once it freed them or exited: the
 *       leak-accounting gauges and the kernel's blocks are back where they were
 *       ({@link HypercallBufferApi#freeBuf}, {@link org.xencommlab.api.xencomm.ProcessXencomm#release});</li>
 *   <li>the rig's kernel keeps the defaults a backend leans on ({@code systemCall},
 *       {@code cancelAtExit}), so no check above passes only because a default quietly dropped its
 *       contract ({@link UserProcessContract}).</li>
 * </ul>
 *
 * <p>A module runs it against itself in a few lines:
 * <pre>{@code
 * final class TestX86Contract extends ArchContract {
 *     @Override
 *     protected ArchRig rig() {
 *         return new X86Rig(X86BufferConfig.defaults());
 *     }
 * }
 * }</pre>
 * The wired checks (a whole machine, every strategy, a killed tool giving everything back) stay
 * with the composition root, which alone can build a machine.
 */
public abstract class ArchContract {
    /** A hypercall number no finder of the kit knows, for "a call the kernel cannot parse". */
    private static final int UNKNOWN_OP = HypercallNumber.GRANT_TABLE_OP;

    /**
     * Where the handles are in the kit's calls: console_io's buffer (argument 2, {@code args[1]}
     * bytes), and a 16-byte structure at memory_op's argument 1 whose field at 8 is a handle of
     * 8 bytes. Unknown calls are unknown.
     */
    protected static final HandleSiteFinder KIT_HANDLE_SITES = (op, args, reader) -> switch (op) {
        case HypercallNumber.CONSOLE_IO -> Optional.of(List.of(HandleSite.argument(2, args[1], List.of())));
        case HypercallNumber.MEMORY_OP -> Optional.of(List.of(HandleSite.argument(1, 16, List.of(HandleSite.field(8, 8, List.of())))));
        default -> Optional.empty();
    };

    private ArchRig rig;
    private final List<UserProcessServices> started = new ArrayList<>();

    /** A fresh rig: one domain wired with the backend under test, in the configuration to check. */
    protected abstract ArchRig rig();

    @BeforeEach
    final void makeRig() {
        rig = rig();
    }

    @AfterEach
    final void endProcesses() {
        started.forEach(rig::exit);
    }

    private UserProcessServices start() {
        UserProcessServices process = rig.startProcess();
        started.add(process);
        return process;
    }

    @Test
    public void thePageTableFormatRoundTrips() {
        PageTableFormat format = rig.pageTableFormat();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long gfn = random.nextLong(1L << 36);
            boolean writable = random.nextBoolean();
            boolean user = random.nextBoolean();
            long page = format.pageEntry(gfn, writable, user);
            assertThat(format.isPresent(page)).isTrue();
            assertThat(format.decodeFrame(page)).isEqualTo(gfn);
            assertThat(format.isWritable(page)).isEqualTo(writable);
            assertThat(format.isUser(page)).isEqualTo(user);
            assertThat(format.decodeFrame(format.tableEntry(gfn))).isEqualTo(gfn);
            long payload = random.nextLong(1L << 48);
            long absent = format.notPresentEntry(payload);
            assertThat(format.isPresent(absent)).isFalse();
            assertThat(format.decodePayload(absent)).isEqualTo(payload);
        }
    }

    @Test
    public void bytesAToolPlacesReachTheHypervisorAndWhatItWritesComesBack() {
        UserProcessServices tool = start();
        HypercallBuffer buffer = rig.xencomm(tool).openUserBuffers().allocBuf(2);
        int pageBytes = tool.pageSize().bytes();
        buffer.allocMem(24);
        BufferSlice slice = buffer.allocMem(pageBytes + 100);
        byte[] bytes = pattern(1, slice.length());
        tool.writeMemory(slice.userAddress(), bytes, 0, bytes.length);

        assertThat(hypervisorReads(tool, slice.reference(), 0, bytes.length)).isEqualTo(bytes);

        byte[] written = pattern(2, slice.length());
        hypervisorWrites(tool, slice.reference(), written);
        byte[] back = new byte[written.length];
        tool.readMemory(slice.userAddress(), back, 0, back.length);
        assertThat(back).isEqualTo(written);
    }

    @Test
    public void sliceReferencesAreLinearInTheirOffset() {
        UserProcessServices tool = start();
        HypercallBuffer buffer = rig.xencomm(tool).openUserBuffers().allocBuf(3);
        int pageBytes = tool.pageSize().bytes();
        buffer.allocMem(40);
        BufferSlice slice = buffer.allocMem(2 * pageBytes + 300);
        byte[] bytes = pattern(3, slice.length());
        tool.writeMemory(slice.userAddress(), bytes, 0, bytes.length);
        int length = slice.length();
        for (int k : new int[] {0, 1, 7, 8, pageBytes - 41, pageBytes - 40, pageBytes + 5, 2 * pageBytes - 1, length - 1}) {
            int n = Math.min(64, length - k);
            byte[] expected = java.util.Arrays.copyOfRange(bytes, k, k + n);
            MemoryReference shifted = new MemoryReference(slice.reference().value() + k);
            assertThat(hypervisorReads(tool, shifted, 0, n)).as("reference + %d", k).isEqualTo(expected);
            assertThat(hypervisorReads(tool, slice.reference(), k, n)).as("offset %d of the reference", k).isEqualTo(expected);
        }
        // The hypervisor half's own arithmetic, as a continuation uses it: each step goes on past the
        // bytes done (an advance may rewrite a descriptor in place, so each starts from the last).
        PreparedHypercall prepared = prepareConsole(tool, SubOps.ConsoleIo.WRITE, length, slice.reference());
        try {
            HypercallContext context = rig.context(tool);
            MemoryReference advanced = new MemoryReference(prepared.args()[2]);
            int done = 0;
            for (int k : new int[] {0, 8, pageBytes + 3, length - 1}) {
                int n = Math.min(64, length - k);
                byte[] dst = new byte[n];
                advanced = rig.domainState().advance(context, advanced, k - done);
                done = k;
                assertThat(context.guest().copyFromGuest(dst, 0, advanced, 0, n)).as("bytes not copied after advancing to %d", k).isZero();
                assertThat(dst).isEqualTo(java.util.Arrays.copyOfRange(bytes, k, k + n));
            }
        } finally {
            prepared.completion().run();
        }
    }

    @Test
    public void remainingIsWhatAllocMemCanStillHandOut() {
        UserProcessServices tool = start();
        HypercallBuffer buffer = rig.xencomm(tool).openUserBuffers().allocBuf(1);
        assertThat(buffer.remaining()).isEqualTo(buffer.capacity());
        SplittableRandom random = new SplittableRandom(11);
        List<BufferSlice> slices = new ArrayList<>();
        while (buffer.remaining() > 0) {
            long remaining = buffer.remaining();
            int n = (int) random.nextLong(Math.min(remaining, 700) + 16);
            if (n > remaining) {
                assertThat(errnoOf(() -> buffer.allocMem(n))).isEqualTo(XenErrno.ENOSPC);
                assertThat(buffer.remaining()).isEqualTo(remaining);
                continue;
            }
            BufferSlice slice = buffer.allocMem(n);
            assertThat(slice.length()).isEqualTo(n);
            assertThat(slice.userAddress()).isBetween(buffer.userAddress(), buffer.userAddress() + buffer.capacity() - n);
            assertThat(buffer.remaining()).isLessThanOrEqualTo(remaining - n);
            for (BufferSlice other : slices) {
                boolean disjoint = slice.userAddress() + n <= other.userAddress() || other.userAddress() + other.length() <= slice.userAddress();
                assertThat(disjoint || n == 0 || other.length() == 0).as("slices never overlap").isTrue();
            }
            slices.add(slice);
            if (random.nextInt(4) == 0) {
                // The whole of what remains, in one slice.
                BufferSlice rest = buffer.allocMem((int) buffer.remaining());
                assertThat(rest.userAddress() + rest.length()).isLessThanOrEqualTo(buffer.userAddress() + buffer.capacity());
                assertThat(buffer.remaining()).isZero();
            }
        }
        assertThat(errnoOf(() -> buffer.allocMem(1))).isEqualTo(XenErrno.ENOSPC);
        buffer.reset();
        assertThat(buffer.remaining()).isEqualTo(buffer.capacity());
        assertThat(buffer.allocMem((int) buffer.capacity()).userAddress()).isEqualTo(buffer.userAddress());
    }

    @Test
    public void aRefusedAllocMemChangesNothingAndCountsNothing() {
        UserProcessServices tool = start();
        HypercallBuffer buffer = rig.xencomm(tool).openUserBuffers().allocBuf(1);
        BufferSlice first = buffer.allocMem(100);
        long remaining = buffer.remaining();
        Map<XenErrno, Long> errors = rig.metrics().errors();

        assertThat(errnoOf(() -> buffer.allocMem((int) remaining + 1))).isEqualTo(XenErrno.ENOSPC);

        assertThat(rig.metrics().errors()).as("the caller that sees ENOSPC counts it, not the backend").isEqualTo(errors);
        assertThat(buffer.remaining()).isEqualTo(remaining);
        BufferSlice rest = buffer.allocMem((int) remaining);
        assertThat(rest.userAddress()).isGreaterThanOrEqualTo(first.userAddress() + first.length());
    }

    @Test
    public void aRefusedAllocBufIsCountedOnceWhereItWasRaised() {
        UserProcessServices tool = start();
        HypercallBufferApi buffers = rig.xencomm(tool).openUserBuffers();
        Map<XenErrno, Long> before = rig.metrics().errors();

        Throwable refused = catchThrowable(() -> buffers.allocBuf(0));

        assertThat(refused).isInstanceOf(XenException.class);
        XenErrno errno = ((XenException) refused).errno();
        Map<XenErrno, Long> after = rig.metrics().errors();
        assertThat(after.getOrDefault(errno, 0L)).as("%s counted once", errno).isEqualTo(before.getOrDefault(errno, 0L) + 1);
        assertThat(after.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(before.values().stream().mapToLong(Long::longValue).sum() + 1);
        // Nothing changed: the process can still have a buffer.
        assertThat(buffers.allocBuf(1).capacity()).isEqualTo(tool.pageSize().bytes());
    }

    @Test
    public void aUsersKernelOnlyReferencesAreRefusedAndNothingIsCounted() {
        UserProcessServices tool = start();
        HypercallBuffer buffer = rig.xencomm(tool).openUserBuffers().allocBuf(1);
        KernelBlock secret = rig.kernel().kmalloc(256);
        try {
            MemoryReference kernelOnly = rig.kernelXencomm().kernelReference(secret, 0, 256);
            Map<XenErrno, Long> errors = rig.metrics().errors();

            assertThat(refusal(tool, HypercallNumber.CONSOLE_IO, new long[] {SubOps.ConsoleIo.WRITE, 256, kernelOnly.value()}, KIT_HANDLE_SITES))
                    .as("a top-level handle").isNotNull();
            BufferSlice structure = buffer.allocMem(16);
            byte[] fields = new byte[16];
            LittleEndian.putU64(fields, 8, kernelOnly.value()); // the ABI's structures are little-endian on every arch
            tool.writeMemory(structure.userAddress(), fields, 0, fields.length);
            assertThat(refusal(tool, HypercallNumber.MEMORY_OP, new long[] {0, structure.reference().value(), 0}, KIT_HANDLE_SITES))
                    .as("a handle nested in the tool's structure").isNotNull();
            assertThat(refusal(tool, UNKNOWN_OP, new long[] {0, kernelOnly.value(), 1}, HandleSiteFinder.NONE))
                    .as("a word of a call the kernel cannot parse").isNotNull();

            assertThat(rig.metrics().errors()).as("privcmd counts the refusal it returns, not the backend").isEqualTo(errors);
        } finally {
            rig.kernel().kfree(secret);
        }
    }

    @Test
    public void accessOkAcceptsASliceAndRefusesARangeThatOverflows() {
        UserProcessServices tool = start();
        BufferSlice slice = rig.xencomm(tool).openUserBuffers().allocBuf(1).allocMem(512);
        PreparedHypercall prepared = prepareConsole(tool, SubOps.ConsoleIo.WRITE, 512, slice.reference());
        try {
            MemoryReference ref = new MemoryReference(prepared.args()[2]);
            GuestHandleResolver resolver = rig.resolver();
            assertThat(resolver.accessOk(ref, 0, 512)).isTrue();
            assertThat(resolver.accessOk(ref, -1, 1)).isFalse();
            assertThat(resolver.accessOk(ref, 0, -1)).isFalse();
            assertThat(resolver.accessOk(ref, Long.MAX_VALUE, 2)).isFalse();
        } finally {
            prepared.completion().run();
        }
    }

    /**
     * What {@link DomainArchState} promises of hostile input: a reference never resolves to a frame
     * the domain does not hold. The guest maps into a tool a frame that is not its RAM (another
     * domain's, or a device's: a hostile kernel can write any page-table entry), and the tool names
     * it as a handle; whatever privcmd makes of that, each byte the domain's state resolves is
     * either refused with an errno or lies in the domain's RAM, and no copy moves a byte of it.
     */
    @Test
    public void aReferenceNeverResolvesToAFrameTheDomainDoesNotHold() {
        UserProcessServices tool = start();
        GuestPhysicalMemory memory = rig.kernel().physicalMemory();
        long foreign = 0;
        while (memory.isRam(foreign)) {
            foreign++;
        }
        long address = tool.mapKernelFrames(new long[] {foreign}, () -> {});
        int pageBytes = tool.pageSize().bytes();
        PreparedHypercall prepared;
        try {
            prepared = prepareConsole(tool, SubOps.ConsoleIo.WRITE, pageBytes, new MemoryReference(address));
        } catch (XenException refused) {
            return; // privcmd refused the handle: nothing reaches the hypervisor
        }
        try {
            MemoryReference ref = new MemoryReference(prepared.args()[2]);
            for (GuestAccessKind kind : GuestAccessKind.values()) {
                GuestRegion region;
                try {
                    region = rig.domainState().open(rig.context(tool), ref, kind);
                } catch (XenException refused) {
                    continue;
                }
                try {
                    for (long offset : new long[] {0, 1, 8, pageBytes - 1}) {
                        long resolved = region.translate(offset);
                        assertThat(resolved < 0 || memory.isRam(tool.pageSize().pageOf(resolved)))
                                .as("byte %d of %s (a tool's mapping of frame 0x%x), opened for %s, resolved to 0x%x, in a frame"
                                        + " the domain does not hold as RAM", offset, ref, foreign, kind, resolved)
                                .isTrue();
                    }
                } finally {
                    region.close();
                }
            }
            GuestCopy copy = rig.context(tool).guest();
            assertThat(copy.copyFromGuest(new byte[pageBytes], 0, ref, 0, pageBytes)).as("bytes not read").isEqualTo(pageBytes);
            assertThat(copy.copyToGuest(ref, 0, new byte[pageBytes], 0, pageBytes)).as("bytes not written").isEqualTo(pageBytes);
        } finally {
            prepared.completion().run();
        }
    }

    /**
     * Nothing a tool's buffers took stays behind: once it freed them, and once it exited holding
     * some, every leak-accounting gauge (locked pages, registrations, Xen heap bytes, pinned frames,
     * device bytes), less what is marked as held for the kernel's or domain's life, is no higher than
     * it was, and neither are the kernel's blocks, less those the backend holds for the kernel's life
     * ({@link KernelXencomm#kernelBlocksHeld}), when the rig can count them
     * ({@link ArchRig#kernelBlocksInUse}).
     */
    @Test
    public void aToolsBuffersGiveBackEverythingTheyHeldWhenFreedAndAtExit() {
        Map<String, Long> before = held();
        UserProcessServices tool = rig.startProcess();
        try {
            HypercallBufferApi buffers = rig.xencomm(tool).openUserBuffers();
            HypercallBuffer one = buffers.allocBuf(1);
            HypercallBuffer two = buffers.allocBuf(2);
            useOnce(tool, one.allocMem(300));
            useOnce(tool, two.allocMem(tool.pageSize().bytes() + 10));
            buffers.freeBuf(one);
            HypercallBuffer three = buffers.allocBuf(1);
            useOnce(tool, three.allocMem(64));
            buffers.freeBuf(two);
            buffers.freeBuf(three);
            assertThat(grown(before)).as("what a tool's buffers still hold once it freed them all").isEmpty();

            useOnce(tool, buffers.allocBuf(2).allocMem(100));
            useOnce(tool, rig.xencomm(tool).openUserBuffers().allocBuf(1).allocMem(100));
        } finally {
            rig.exit(tool);
        }
        assertThat(grown(before)).as("what a tool's buffers still hold once it exited with two of them").isEmpty();
    }

    @Test
    public void theRigsKernelKeepsTheContractsOfTheDefaultsABackendLeansOn() {
        UserProcessContract.checkSystemCall(start(), rig.metrics());
        UserProcessContract.checkExitCleanups(rig.startProcess(), rig::exit);
    }

    // ---- helpers ----

    /** Each leak-accounting gauge less its reservations, and the kernel's blocks less the backend's own, by name. */
    private Map<String, Long> held() {
        Map<String, Long> held = new TreeMap<>();
        for (Gauge gauge : Gauge.core()) {
            held.put(gauge.name(), rig.metrics().current(gauge) - rig.metrics().reserved(gauge));
        }
        int blocks = rig.kernelBlocksInUse();
        if (blocks >= 0) {
            held.put("kernelBlocks", (long) blocks - rig.kernelXencomm().kernelBlocksHeld());
        }
        return held;
    }

    /**
     * What grew since {@code before}, by name. Only growth is a leak: a rig whose hypervisor side
     * does not keep a gauge (the kit's entries pin and charge without moving the gauges) still sees
     * the backend mark a long-lived part of it reserved, which makes it look smaller.
     */
    private Map<String, Long> grown(Map<String, Long> before) {
        Map<String, Long> grown = new TreeMap<>();
        held().forEach((name, now) -> {
            long growth = now - before.getOrDefault(name, 0L);
            if (growth > 0) {
                grown.put(name, growth);
            }
        });
        return grown;
    }

    /** The tool writes {@code slice} and has the hypervisor read it back in a console write it issues. */
    private void useOnce(UserProcessServices tool, BufferSlice slice) {
        byte[] bytes = pattern(slice.length(), slice.length());
        tool.writeMemory(slice.userAddress(), bytes, 0, bytes.length);
        assertThat(hypervisorReads(tool, slice.reference(), 0, bytes.length)).isEqualTo(bytes);
    }

    private PreparedHypercall prepareConsole(UserProcessServices tool, int cmd, int count, MemoryReference ref) {
        return rig.xencomm(tool).prepareUserHypercall(HypercallNumber.CONSOLE_IO, new long[] {cmd, count, ref.value()}, KIT_HANDLE_SITES);
    }

    /** What the hypervisor copies from byte {@code offset} of {@code ref} in a console write the tool issued. */
    private byte[] hypervisorReads(UserProcessServices tool, MemoryReference ref, long offset, int length) {
        PreparedHypercall prepared = prepareConsole(tool, SubOps.ConsoleIo.WRITE, (int) offset + length, ref);
        try {
            byte[] dst = new byte[length];
            long notCopied = rig.context(tool).guest().copyFromGuest(dst, 0, new MemoryReference(prepared.args()[2]), offset, length);
            assertThat(notCopied).as("bytes not copied").isZero();
            return dst;
        } finally {
            prepared.completion().run();
        }
    }

    /** The hypervisor writes {@code src} through {@code ref} in a console read the tool issued. */
    private void hypervisorWrites(UserProcessServices tool, MemoryReference ref, byte[] src) {
        PreparedHypercall prepared = prepareConsole(tool, SubOps.ConsoleIo.READ, src.length, ref);
        try {
            long notCopied = rig.context(tool).guest().copyToGuest(new MemoryReference(prepared.args()[2]), 0, src, 0, src.length);
            assertThat(notCopied).as("bytes not copied").isZero();
        } finally {
            prepared.completion().run();
        }
    }

    /** The XenException prepareUserHypercall refused the call with, or null if it prepared it. */
    private XenException refusal(UserProcessServices tool, int op, long[] args, HandleSiteFinder finder) {
        try {
            PreparedHypercall prepared = rig.xencomm(tool).prepareUserHypercall(op, args, finder);
            prepared.completion().run();
            return null;
        } catch (XenException e) {
            return e;
        }
    }

    private static XenErrno errnoOf(Runnable action) {
        Throwable thrown = catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(XenException.class);
        return ((XenException) thrown).errno();
    }

    private static byte[] pattern(int seed, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
