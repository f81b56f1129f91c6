package org.xencommlab.hypervisor.handlers;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.ConsoleIo;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.console.ConsoleLog;

/**
 * {@code console_io(cmd, count, buffer)} (xen/drivers/char/console.c), with a fourth word of
 * progress: the bytes already done, 0 on the guest's call ({@link ConsoleIoArguments}).
 *
 * <p>The arguments are decoded only through the run's {@link ArgumentStrategy}: in the pointer
 * form {@code buffer} names the bytes; in the embedded form it names one block, a header and the
 * {@code count} bytes inline (a longer write is split by the guest into several calls).
 *
 * <p><b>Write</b> ({@code CONSOLEIO_write}): copies the bytes from {@code done} on in chunks of the
 * configured size (Xen's 128-byte {@code kbuf}) and appends each chunk to the domain's console
 * output once it was copied whole. Returns 0. A fault returns -EFAULT; the chunks before it stay
 * written (work done), the failing chunk appends nothing.
 *
 * <p><b>Read</b> ({@code CONSOLEIO_read}): copies up to {@code count - done} bytes of the domain's
 * console input ring into the buffer from {@code done} on, in chunks, and returns the bytes read in
 * all ({@code done} plus this entry's). On a fault the failing chunk goes back to the ring and the
 * result is -EFAULT (earlier chunks were delivered and are consumed, as in Xen).
 *
 * <p><b>Continuation.</b> Xen continues a long write with {@code count} lowered and the handle
 * advanced. Here a reference is opaque to the hypervisor (the arch owns its encoding), so the words
 * stay and the progress travels in the fourth word:
 * {@link ConsoleIoArguments#continuationArgs(long)} gives {@code (cmd, count, buffer, done)}. A
 * write polls {@link HypercallContext#preemptionPending()} before each chunk but the first of an
 * entry when more than one chunk remains; a read polls before each further chunk while input is
 * pending.
 *
 * <p>Errors: an unprivileged domain when the configuration allows console_io only to dom0: -EPERM
 * (checked first, as Xen's XSM hook is); then what the strategy refuses (unknown command -ENOSYS;
 * a read above {@code INT_MAX} or an embedded count beyond one block -E2BIG; progress beyond the
 * count or a bad block -EINVAL; an unreadable block -EFAULT); a count above the configured most
 * ({@link HypervisorConfig#consoleMaxCount()}): -EINVAL.
 */
@Singleton
public final class ConsoleIoHandler implements HypercallHandler {
    private final ConsoleLog console;
    private final ArgumentStrategy strategy;
    private final int chunkBytes;
    private final int maxCount;
    private final boolean unprivilegedAllowed;

    @Inject
    public ConsoleIoHandler(ConsoleLog console, ArgumentStrategy strategy, HypervisorConfig config) {
        this.console = requireNonNull(console, "console is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.chunkBytes = config.consoleChunkBytes();
        this.maxCount = config.consoleMaxCount();
        this.unprivilegedAllowed = config.unprivilegedConsoleIo();
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        if (!context.isPrivileged() && !unprivilegedAllowed) {
            return XenErrno.EPERM.asResult();
        }
        ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, context.guest(), args);
        if (io.count() > maxCount) {
            return XenErrno.EINVAL.asResult();
        }
        return io.cmd() == ConsoleIo.WRITE ? write(context, io) : read(context, io);
    }

    private long write(HypercallContext context, ConsoleIoArguments io) {
        long count = io.count();
        long done = io.done();
        byte[] chunk = new byte[(int) Math.min(chunkBytes, count - done)];
        while (done < count) {
            if (done != io.done() && count - done > chunkBytes && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.CONSOLE_IO, io.continuationArgs(done));
            }
            int n = (int) Math.min(chunkBytes, count - done);
            try {
                io.copyIn(done, chunk, 0, n);
            } catch (XenException e) {
                return e.asResult();
            }
            console.append(context.domid(), chunk, 0, n);
            done += n;
        }
        return 0;
    }

    private long read(HypercallContext context, ConsoleIoArguments io) {
        int domid = context.domid();
        long count = io.count();
        long done = io.done();
        byte[] chunk = new byte[(int) Math.min(chunkBytes, count - done)];
        while (done < count && console.pendingInput(domid) > 0) {
            if (done != io.done() && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.CONSOLE_IO, io.continuationArgs(done));
            }
            int n = console.takeInput(domid, chunk, (int) Math.min(chunk.length, count - done));
            try {
                io.copyOut(done, chunk, 0, n);
            } catch (XenException e) {
                console.unreadInput(domid, chunk, n);
                return e.asResult();
            }
            done += n;
        }
        return done;
    }
}
