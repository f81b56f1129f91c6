package org.xencommlab.arch.x86.testing;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.x86.hypervisor.X86GuestHandleResolver;
import org.xencommlab.arch.x86.paging.X86AddressSpace;
import org.xencommlab.arch.x86.paging.X86PageTableFormat;

/**
 * One x86 domain in small: guest memory, a kernel, its processes, and a hypervisor that resolves
 * references with the real {@link X86GuestHandleResolver}, so a test can issue "a hypercall that
 * reads or writes a buffer" and see what a handler would: 0, or -EFAULT when a byte was not
 * reachable.
 */
public final class TestingDomain {
    private final RunMetrics metrics = new RunMetrics();
    private final TestingTrace trace = new TestingTrace();
    private final TestingGuestPhysicalMemory memory;
    private final TestingKernelServices kernel;
    private final X86GuestHandleResolver resolver = new X86GuestHandleResolver(new X86PageTableFormat(), X86AddressSpace.LAYOUT);
    private int nextPid = 100;

    public TestingDomain(long nrFrames) {
        memory = new TestingGuestPhysicalMemory(1, PageSize.SIZE_4K, nrFrames);
        kernel = new TestingKernelServices(memory, metrics, trace);
    }

    public RunMetrics metrics() {
        return metrics;
    }

    public TestingTrace trace() {
        return trace;
    }

    public TestingKernelServices kernel() {
        return kernel;
    }

    public TestingGuestPhysicalMemory memory() {
        return memory;
    }

    /** The resolver every {@link #context} copies through. */
    public X86GuestHandleResolver resolver() {
        return resolver;
    }

    /** A new process with a locked-memory limit of {@code lockLimitPages}. */
    public TestingUserProcessServices process(long lockLimitPages) {
        return new TestingUserProcessServices(kernel, nextPid++, lockLimitPages);
    }

    /** A hypercall of {@code process} that copies {@code dst.length} bytes from {@code ref}: 0 or -EFAULT. */
    public long hypercallRead(TestingUserProcessServices process, MemoryReference ref, byte[] dst) {
        return result(context(process).guest().copyFromGuest(dst, 0, ref, 0, dst.length));
    }

    /** A hypercall of {@code process} that copies {@code src} to {@code ref}: 0 or -EFAULT. */
    public long hypercallWrite(TestingUserProcessServices process, MemoryReference ref, byte[] src) {
        return result(context(process).guest().copyToGuest(ref, 0, src, 0, src.length));
    }

    /** Bytes a read hypercall could not copy (0 when all arrived). */
    public long bytesNotRead(TestingUserProcessServices process, MemoryReference ref, byte[] dst) {
        return context(process).guest().copyFromGuest(dst, 0, ref, 0, dst.length);
    }

    /** Bytes a write hypercall could not copy (0 when all arrived). */
    public long bytesNotWritten(TestingUserProcessServices process, MemoryReference ref, byte[] src) {
        return context(process).guest().copyToGuest(ref, 0, src, 0, src.length);
    }

    public TestingHypercallContext context(TestingUserProcessServices process) {
        return new TestingHypercallContext(memory, process.pageTables().root(), metrics, trace, resolver);
    }

    private static long result(long notCopied) {
        return notCopied == 0 ? 0 : XenErrno.EFAULT.asResult();
    }
}
