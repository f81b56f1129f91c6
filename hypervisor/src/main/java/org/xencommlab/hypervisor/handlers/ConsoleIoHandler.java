package org.xencommlab.hypervisor.handlers;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.ConsoleIo;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.console.ConsoleLog;

/**
 * {@code console_io(cmd, count, buffer)}, with a fourth word of progress.
 *
 * <p><b>Write</b> ({@code CONSOLEIO_write}): copies {@code count} bytes from the guest memory
 * {@code buffer} names, in chunks of the configured size (Xen's 128-byte {@code kbuf}), and appends
 * each chunk to the domain's console output once it was copied whole. Returns 0. A fault returns
 * -EFAULT; the chunks before it stay written (work done), the failing chunk appends nothing.
 *
 * <p><b>Continuation.</b> Xen continues a long write with {@code count} reduced and the handle
 * advanced by {@code guest_handle_add_offset}. Here a memory reference is opaque (a virtual address
 * on x86, {@code bufid | offset} or a descriptor on ppc: adding to the raw word is not valid for
 * every arch), so the handle word is never changed: the fourth argument word is the byte offset into
 * the memory the handle names, given to {@link org.xencommlab.api.hypercall.GuestCopy} as its offset
 * (the arch-neutral {@code guest_handle_add_offset}). A guest calls with it 0; when more than one
 * chunk remains and preemption is pending, the handler continues with
 * {@code (WRITE, count - written, buffer, offset + written)}.
 *
 * <p><b>Read</b> ({@code CONSOLEIO_read}): copies up to {@code count} bytes of the domain's console
 * input ring to the guest and returns how many; on a fault the bytes go back to the ring and the
 * result is -EFAULT.
 *
 * <p>Errors: {@code count} negative or above the configured most, or an offset that is negative
 * or overflows with {@code count}: -EINVAL; an unknown command: -ENOSYS; an unprivileged domain
 * when the configuration allows console_io only to dom0: -EPERM.
 */
@Singleton
public final class ConsoleIoHandler implements HypercallHandler {
    private final ConsoleLog console;
    private final int chunkBytes;
    private final int maxCount;
    private final boolean unprivilegedAllowed;

    @Inject
    public ConsoleIoHandler(ConsoleLog console, HypervisorConfig config) {
        this.console = console;
        this.chunkBytes = config.consoleChunkBytes();
        this.maxCount = config.consoleMaxCount();
        this.unprivilegedAllowed = config.unprivilegedConsoleIo();
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        long cmd = args[0];
        long count = args[1];
        long offset = args[3];
        if (cmd != ConsoleIo.WRITE && cmd != ConsoleIo.READ) {
            return XenErrno.ENOSYS.asResult();
        }
        if (!context.isPrivileged() && !unprivilegedAllowed) {
            return XenErrno.EPERM.asResult();
        }
        if (count < 0 || count > maxCount || offset < 0 || offset > Long.MAX_VALUE - count) {
            return XenErrno.EINVAL.asResult();
        }
        MemoryReference buffer = new MemoryReference(args[2]);
        return cmd == ConsoleIo.WRITE ? write(context, cmd, count, buffer, offset) : read(context, count, buffer, offset);
    }

    private long write(HypercallContext context, long cmd, long count, MemoryReference buffer, long offset) {
        byte[] chunk = new byte[(int) Math.min(chunkBytes, count)];
        long done = 0;
        while (done < count) {
            if (done > 0 && count - done > chunkBytes && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.CONSOLE_IO, cmd, count - done, buffer.value(), offset + done);
            }
            int n = (int) Math.min(chunkBytes, count - done);
            if (context.guest().copyFromGuest(chunk, 0, buffer, offset + done, n) != 0) {
                return XenErrno.EFAULT.asResult();
            }
            console.append(context.domid(), chunk, 0, n);
            done += n;
        }
        return 0;
    }

    private long read(HypercallContext context, long count, MemoryReference buffer, long offset) {
        byte[] bytes = new byte[(int) Math.min(count, console.pendingInput(context.domid()))];
        int n = console.takeInput(context.domid(), bytes, bytes.length);
        if (n == 0) {
            return 0;
        }
        if (context.guest().copyToGuest(buffer, offset, bytes, 0, n) != 0) {
            console.unreadInput(context.domid(), bytes, n);
            return XenErrno.EFAULT.asResult();
        }
        return n;
    }
}
