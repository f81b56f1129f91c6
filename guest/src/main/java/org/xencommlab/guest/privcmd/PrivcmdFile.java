package org.xencommlab.guest.privcmd;

import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.guest.abi.KernelBytes;
import org.xencommlab.guest.kernel.GuestProcess;

/**
 * A process's open privcmd file. Its hypercall ioctl ({@code IOCTL_PRIVCMD_HYPERCALL}) is one
 * system call: it reaches the {@code SYSCALL} point, runs on the process's page tables, lets the
 * arch's guest half prepare the arguments, issues the hypercall through the gate, runs the
 * completion whatever the result, and returns to user mode (where a pending kill is delivered).
 * Its embedded-form ioctl ({@link #hypercallEmbedded}) marshals a tool's block through kernel
 * memory instead. Not thread-safe (one process, one thread).
 */
public final class PrivcmdFile {
    private final Privcmd driver;
    private final GuestProcess process;
    private final Runnable closer;
    private boolean closed;

    PrivcmdFile(Privcmd driver, GuestProcess process) {
        this.driver = driver;
        this.process = process;
        this.closer = () -> closed = true;
    }

    public GuestProcess process() {
        return process;
    }

    public boolean isOpen() {
        return !closed;
    }

    /**
     * Issues hypercall {@code op}: returns the hypervisor's result, or a negative errno from the
     * driver (EBADF if the file is closed; ENOSYS or another errno if the arch's guest half
     * refused to prepare the call).
     *
     * @throws XenException ESRCH if the process is dead, or was killed during the call
     */
    public long hypercall(int op, long... args) {
        long[] copy = args.clone();
        return process.systemCall("ioctl privcmd hypercall", () -> {
            int domid = process.kernel().domid();
            if (closed) {
                driver.metrics().recordError(XenErrno.EBADF);
                return XenErrno.EBADF.asResult();
            }
            PreparedHypercall prepared;
            try {
                prepared = driver.xencomm().prepareUserHypercall(process, op, copy, driver.handleSites());
            } catch (XenException e) {
                driver.metrics().recordError(e.errno());
                Privcmd.traceCall(driver.trace(), domid, process.pid(), op, e.asResult());
                return e.asResult();
            }
            long result;
            try {
                result = driver.gate().hypercall(domid, process.vcpu(), op, prepared.args());
            } finally {
                prepared.completion().run();
            }
            Privcmd.traceCall(driver.trace(), domid, process.pid(), op, result);
            return result;
        });
    }

    /**
     * The embedded form's ioctl: the tool built one block of {@code length} bytes at
     * {@code userAddress} in its own ordinary memory (nothing locked, nothing registered), and
     * {@code args} names it by that address in the word that carries hypercall {@code op}'s
     * memory. The driver does what a real one would:
     * <ol>
     *   <li>{@code kmalloc}s a block and {@code copy_from_user}s the tool's bytes into it
     *       (counted as {@code KERNEL_COPY_BYTES});</li>
     *   <li>replaces the memory word with the arch's native reference to the kernel block
     *       ({@code GuestXencomm.kernelReference}); for a multicall, also each entry's memory word
     *       that points inside the tool's block (a sub-call's block), so the hypervisor never sees
     *       a user address;</li>
     *   <li>issues the hypercall on the process's vCPU;</li>
     *   <li>puts the tool's own words back and {@code copy_to_user}s the block, so the outputs the
     *       hypervisor wrote (frames, records, results, console bytes) reach the tool;</li>
     *   <li>{@code kfree}s the block, whatever happened.</li>
     * </ol>
     * Returns the hypervisor's result or the driver's negative errno: EBADF (closed), EINVAL (a
     * call that names no memory, a memory word that does not name the block, a length of 0 or
     * less), E2BIG (a block above {@link EmbeddedBlockHeader#LARGEST_MAX_BLOCK}), ENOMEM (no
     * kernel memory), EFAULT (the tool's block is not readable or writable).
     *
     * @throws XenException ESRCH if the process is dead, or was killed during the call
     */
    public long hypercallEmbedded(int op, long[] args, long userAddress, int length) {
        long[] copy = args.clone();
        return process.systemCall("ioctl privcmd hypercall (embedded)", () -> {
            int domid = process.kernel().domid();
            if (closed) {
                driver.metrics().recordError(XenErrno.EBADF);
                return XenErrno.EBADF.asResult();
            }
            long result;
            try {
                result = marshalAndIssue(op, copy, userAddress, length);
            } catch (XenException e) {
                driver.metrics().recordError(e.errno());
                result = e.asResult();
            }
            Privcmd.traceCall(driver.trace(), domid, process.pid(), op, result);
            return result;
        });
    }

    private long marshalAndIssue(int op, long[] args, long userAddress, int length) {
        int memoryArgument = EmbeddedArguments.memoryArgument(op);
        if (memoryArgument < 0 || args.length <= memoryArgument) {
            throw new XenException(XenErrno.EINVAL, HypercallNumber.name(op) + " names no memory for an embedded block");
        }
        if (args[memoryArgument] != userAddress) {
            throw new XenException(XenErrno.EINVAL, "argument " + memoryArgument + " does not name the block at 0x" + Long.toHexString(userAddress));
        }
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "an embedded block of " + length + " bytes");
        }
        if (length > EmbeddedBlockHeader.LARGEST_MAX_BLOCK) {
            throw new XenException(XenErrno.E2BIG, "an embedded block of " + length + " bytes, at most " + EmbeddedBlockHeader.LARGEST_MAX_BLOCK);
        }
        var kernel = process.kernel();
        KernelBlock block = kernel.kmalloc(length);
        try {
            process.copyFromUser(userAddress, block, 0, length);
            args[memoryArgument] = driver.xencomm().kernelReference(kernel, block, 0, length).value();
            int[] nested = new int[0];
            long[] original = new long[0];
            if (op == HypercallNumber.MULTICALL) {
                byte[] bytes = new byte[length];
                KernelBytes.read(kernel, block, 0, bytes, 0, length);
                nested = EmbeddedArguments.nestedMemoryWords(bytes, args.length > 1 ? args[1] & 0xFFFF_FFFFL : 0);
                original = new long[nested.length];
                byte[] word = new byte[8];
                for (int i = 0; i < nested.length; i++) {
                    original[i] = LittleEndian.u64(bytes, nested[i]);
                    long inside = original[i] - userAddress;
                    if (inside < 0 || inside >= length) {
                        // In the embedded form every memory word names a sub-block; anything else
                        // (another address, a forged kernel reference) is never passed on.
                        throw new XenException(XenErrno.EINVAL, "multicall entry word at byte " + nested[i]
                                + " does not name a sub-block of the block at 0x" + Long.toHexString(userAddress));
                    }
                    LittleEndian.putU64(word, 0, driver.xencomm().kernelReference(kernel, block, (int) inside, length - (int) inside).value());
                    KernelBytes.write(kernel, block, nested[i], word, 0, 8);
                }
            }
            driver.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + process.pid() + " privcmd copied an embedded block of "
                    + length + " bytes into kernel memory");
            long result;
            Runnable after = driver.xencomm().beforeKernelHypercall(kernel, block);
            try {
                result = driver.gate().hypercall(kernel.domid(), process.vcpu(), op, args);
            } finally {
                after.run();
            }
            // The tool gets its block back as it wrote it, plus what the hypervisor wrote; never a kernel reference.
            byte[] word = new byte[8];
            for (int i = 0; i < nested.length; i++) {
                LittleEndian.putU64(word, 0, original[i]);
                KernelBytes.write(kernel, block, nested[i], word, 0, 8);
            }
            process.copyToUser(block, 0, userAddress, length);
            return result;
        } finally {
            driver.xencomm().releaseKernelBlock(kernel, block);
            kernel.kfree(block);
        }
    }

    /** {@code close(fd)}: a system call; closing twice is EBADF. */
    public void close() {
        process.systemCall("close privcmd", () -> {
            if (closed) {
                throw new XenException(XenErrno.EBADF, "privcmd file already closed");
            }
            closed = true;
            process.cancelAtExit(closer);
            return null;
        });
    }

    Runnable closer() {
        return closer;
    }
}
