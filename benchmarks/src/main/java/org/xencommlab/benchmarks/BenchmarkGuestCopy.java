package org.xencommlab.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * The copy-path speed target: Xen's {@code copy_from_guest} and {@code copy_to_guest} of
 * {@code size} bytes between a hypervisor buffer and a dom0 tool's hypercall buffer, beside a
 * {@link System#arraycopy} of the same bytes between two Java arrays (target: at least half its
 * bandwidth from 64 KiB up).
 *
 * <p>The tool's buffer is made by the arch's real guest half ({@code alloc_buf}: mlocked user pages
 * on x86, a registered buffer on ppc) and the reference is the one a hypercall argument would carry
 * (a user virtual address; {@code bufid | offset}). Each operation is one hypervisor entry of a
 * {@link ProbeHypercall} whose handler makes exactly one copy through the entry's
 * {@code HypercallContext.guest()}: the arch resolver opens the reference, then, page piece by page
 * piece, a scheduling point, the arch's translation (x86: a four-level walk of the tool's page
 * tables in guest memory; ppc: a registration lookup and its page list) and one bulk copy through
 * dom0's p2m to machine memory. No console, no argument decoding, no chunking is measured. The
 * buffer starts on a page boundary, so a copy is {@code size / 4096} whole pages. The argument
 * strategy does not apply: it decides what a hypercall's words mean, not how bytes are copied.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BenchmarkGuestCopy {
    /** The baseline: two Java arrays of {@code size} bytes. */
    @State(Scope.Thread)
    public static class Plain {
        @Param({"4096", "65536", "1048576"})
        public int size;

        byte[] src;
        byte[] dst;

        @Setup(Level.Trial)
        public void setUp() {
            src = pattern(size, 1);
            dst = new byte[size];
        }
    }

    /** A wired machine of {@code arch} with a tool's buffer of {@code size} bytes and its reference. */
    @State(Scope.Thread)
    public static class Guest {
        /**
         * The name of an arch plugin as {@code PluginRegistry.discover()} finds it on the class path
         * (an unknown name fails the setup, listing the names found). Any discovered arch is measured
         * with {@code -p arch=NAME}; an arch that joins the lab joins the default sweep by adding its
         * name here. The confidential VM copies from a tool buffer converted to shared
         * ({@code buffers=shared}): a bounced buffer is private, which the hypervisor may not read.
         */
        @Param({"x86", "ppc", "cvm"})
        public String arch;

        @Param({"4096", "65536", "1048576"})
        public int size;

        WiredRun run;
        HypercallBuffer buffer;
        BufferSlice slice;
        MemoryReference ref;
        /** Hypervisor memory the copies go to (from guest) and come from (to guest). */
        byte[] hypervisorBytes;
        ProbeHypercall fromGuest;
        ProbeHypercall toGuest;

        @Setup(Level.Trial)
        public void setUp() {
            run = WiredRun.start(arch, "pointer", arch.equals("cvm") ? Map.of("buffers", "shared") : Map.of());
            int pageBytes = run.machine().pageSize().bytes();
            buffer = run.tool().allocBuf((int) run.machine().pageSize().pagesFor(size));
            slice = run.tool().allocMem(buffer, size);
            if (slice.userAddress() % pageBytes != 0) {
                throw new IllegalStateException("buffer does not start on a page: 0x" + Long.toHexString(slice.userAddress()));
            }
            // The reference as privcmd hands it to the hypervisor: the arch's guest half may rewrite
            // what a tool wrote (cvm names a shared buffer by its guest-physical address).
            long[] words = {org.xencommlab.api.hypercall.SubOps.ConsoleIo.WRITE, size, slice.reference().value()};
            ref = new MemoryReference(run.tool().process().xencomm().prepareUserHypercall(
                    org.xencommlab.api.hypercall.HypercallNumber.CONSOLE_IO, words, run.machine().strategy().handleSites()).args()[2]);
            hypervisorBytes = new byte[size];
            fromGuest = run.probe();
            fromGuest.action(context -> context.guest().copyFromGuest(hypervisorBytes, 0, ref, 0, size));
            toGuest = run.probe();
            toGuest.action(context -> context.guest().copyToGuest(ref, 0, hypervisorBytes, 0, size));
            verify();
        }

        /** Both directions copy the right bytes, once, before anything is measured. */
        void verify() {
            byte[] written = pattern(size, 7);
            run.tool().process().writeMemory(slice.userAddress(), written, 0, size);
            expectAllCopied(fromGuest.call());
            if (!Arrays.equals(hypervisorBytes, written)) {
                throw new IllegalStateException(arch + ": copy_from_guest did not deliver the tool's bytes");
            }
            System.arraycopy(pattern(size, 13), 0, hypervisorBytes, 0, size);
            expectAllCopied(toGuest.call());
            byte[] read = new byte[size];
            run.tool().process().readMemory(slice.userAddress(), read, 0, size);
            if (!Arrays.equals(read, hypervisorBytes)) {
                throw new IllegalStateException(arch + ": copy_to_guest did not reach the tool's memory");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long faults = run.machine().metrics().get(Counter.HYPERVISOR_FAULTS);
            run.tool().freeBuf(buffer);
            List<String> audit = run.stop();
            if (faults != 0 || !audit.isEmpty()) {
                throw new IllegalStateException(arch + ": " + faults + " faults during the benchmark; audit " + audit);
            }
        }
    }

    @Benchmark
    public byte[] arraycopy(Plain arrays) {
        System.arraycopy(arrays.src, 0, arrays.dst, 0, arrays.size);
        return arrays.dst;
    }

    @Benchmark
    public long copyFromGuest(Guest guest) {
        return expectAllCopied(guest.fromGuest.call());
    }

    @Benchmark
    public long copyToGuest(Guest guest) {
        return expectAllCopied(guest.toGuest.call());
    }

    /** A copy that left bytes behind (or an entry that refused the probe) invalidates the measurement. */
    static long expectAllCopied(long notCopied) {
        if (notCopied != 0) {
            throw new IllegalStateException("copy left " + notCopied + " bytes not copied");
        }
        return notCopied;
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }
}
