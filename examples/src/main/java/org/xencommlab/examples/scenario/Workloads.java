package org.xencommlab.examples.scenario;

import java.util.function.Supplier;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.tools.Dom0Tools;
import org.xencommlab.machine.facade.Machine;

/** Small pieces the standard scenarios share. */
final class Workloads {
    /** dom0's RAM in every standard scenario. */
    static final long DOM0_BYTES = 64L << 20;
    /** A guest's RAM unless a scenario says otherwise. */
    static final long GUEST_BYTES = 16L << 20;

    private Workloads() {}

    /** {@code n} bytes of readable text that differ from call to call. */
    static byte[] text(String tag, int call, int n) {
        byte[] bytes = new byte[n];
        String prefix = tag + " #" + call + ": ";
        for (int i = 0; i < n; i++) {
            bytes[i] = i < prefix.length() ? (byte) prefix.charAt(i) : (byte) ('a' + (i + call) % 26);
        }
        if (n > 0) {
            bytes[n - 1] = '\n';
        }
        return bytes;
    }

    /** Maps and touches {@code pages} pages of ordinary memory in the tool, as a real tool's heap. */
    static void touchWorkingSet(Dom0Tools tool, int pages, int pageBytes) {
        GuestProcess process = tool.handle().process();
        long base = process.mmapAnonymous((long) pages * pageBytes);
        byte[] one = {1};
        for (int i = 0; i < pages; i++) {
            process.writeMemory(base + (long) i * pageBytes, one, 0, 1);
        }
    }

    /**
     * Touches {@code pages} pages of a fresh mapping and unmaps every other one, leaving holes in the
     * kernel's free frames for whatever is allocated next.
     */
    static void fragmentFreeFrames(Dom0Tools tool, int pages, int pageBytes) {
        GuestProcess process = tool.handle().process();
        long base = process.mmapAnonymous((long) pages * pageBytes);
        byte[] one = {1};
        for (int i = 0; i < pages; i++) {
            process.writeMemory(base + (long) i * pageBytes, one, 0, 1);
        }
        for (int i = 0; i < pages; i += 2) {
            process.munmap(base + (long) i * pageBytes, pageBytes);
        }
    }

    /** The pages Xen holds for domain {@code domid} now (its tot_pages). */
    static long totPages(Machine machine, int domid) {
        return machine.hypervisor().domainSnapshot(domid).orElseThrow().totPages();
    }

    /** Runs a tool call; a Xen error becomes the workload's failure, naming what failed. */
    static <T> T expect(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (XenException e) {
            throw new WorkloadFailure(what + ": -" + e.errno().name(), e.errno());
        }
    }

    /** Fails the workload unless {@code condition} holds. */
    static void check(boolean condition, String failure) {
        if (!condition) {
            throw new WorkloadFailure(failure);
        }
    }
}
