package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcCalls;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.machine.facade.Machine;

/**
 * A domain that minds its own business while the attacker works: it holds canary pages (kernel
 * frames filled with a pattern made of the session's canary tag) and, every few calls, a tool of
 * it writes a line to its console through its library (the run's strategy, its own buffers) and checks that exactly that line
 * arrived.
 */
public final class HonestDomain {
    /** Canary pages each honest domain holds. */
    public static final int CANARY_PAGES = 4;

    private final GuestKernel kernel;
    private final PageSize pageSize;
    private final long tag;
    private final long[] canaryGfns = new long[CANARY_PAGES];
    private final byte[] pattern;
    private final XcCalls calls;
    private final long framesOwned;
    private long lines;

    HonestDomain(Machine machine, GuestKernel kernel, long tag) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.pageSize = machine.pageSize();
        this.tag = tag;
        this.pattern = Canary.page(tag, kernel.domid(), pageSize.bytes());
        for (int i = 0; i < CANARY_PAGES; i++) {
            canaryGfns[i] = kernel.frameAllocator().allocate(FrameUse.KERNEL);
            kernel.physicalMemory().write(pageSize.addressOf(canaryGfns[i]), pattern, 0, pattern.length);
        }
        XcHandle tool = machine.startTool(kernel, "honest" + kernel.domid(), 0);
        this.calls = new XcCalls(tool, machine.strategy(), machine.trace());
        this.framesOwned = machine.hypervisor().framesOwnedBy(kernel.domid());
    }

    public int domid() {
        return kernel.domid();
    }

    /** Guest-physical addresses of the canary pages. */
    public long[] canaryAddresses() {
        long[] addresses = new long[CANARY_PAGES];
        for (int i = 0; i < CANARY_PAGES; i++) {
            addresses[i] = pageSize.addressOf(canaryGfns[i]);
        }
        return addresses;
    }

    /** Frames the domain owned once it was set up (the attacker must not change it). */
    public long framesOwned() {
        return framesOwned;
    }

    /** The honest workload's step: a console line through its own buffer; empty when it went as expected. */
    Optional<String> work(org.xencommlab.hypervisor.control.Hypervisor xen) {
        byte[] line = ("honest d" + domid() + " line " + (lines++) + "\n").getBytes(StandardCharsets.US_ASCII);
        long before = xen.console().bytesWritten(domid());
        long result;
        try {
            result = calls.call(new ConsoleWriteRequest(line));
        } catch (XenException e) {
            return Optional.of("domain " + domid() + "'s console write failed: " + e.getMessage());
        } catch (RuntimeException e) {
            return Optional.of("domain " + domid() + "'s console write threw " + e);
        }
        if (result != 0) {
            return Optional.of("domain " + domid() + "'s console write returned " + org.xencommlab.api.errno.XenErrno.describeResult(result));
        }
        long written = xen.console().bytesWritten(domid()) - before;
        byte[] output = xen.console().output(domid());
        if (written != line.length || output.length < line.length
                || !Arrays.equals(Arrays.copyOfRange(output, output.length - line.length, output.length), line)) {
            return Optional.of("domain " + domid() + "'s console got " + written + " bytes for its " + line.length
                    + "-byte line, or not that line");
        }
        return Optional.empty();
    }

    /** Checks every canary byte; empty when all are intact. */
    Optional<String> checkCanaries() {
        byte[] now = new byte[pattern.length];
        for (int i = 0; i < CANARY_PAGES; i++) {
            try {
                kernel.physicalMemory().read(pageSize.addressOf(canaryGfns[i]), now, 0, now.length);
            } catch (RuntimeException e) {
                return Optional.of("domain " + domid() + "'s canary page gfn 0x" + Long.toHexString(canaryGfns[i])
                        + " is no longer readable: " + e);
            }
            int differs = Arrays.mismatch(now, pattern);
            if (differs >= 0) {
                return Optional.of("domain " + domid() + "'s canary page gfn 0x" + Long.toHexString(canaryGfns[i])
                        + " changed at byte " + differs);
            }
        }
        return Optional.empty();
    }

    long tag() {
        return tag;
    }

    /** Corrupts one canary byte: for a test showing that the check bites. */
    void corruptCanaryForTest(int page, int offset) {
        byte[] one = new byte[1];
        long address = pageSize.addressOf(canaryGfns[page]) + offset;
        kernel.physicalMemory().read(address, one, 0, 1);
        one[0] ^= 0x5A;
        kernel.physicalMemory().write(address, one, 0, 1);
    }
}
