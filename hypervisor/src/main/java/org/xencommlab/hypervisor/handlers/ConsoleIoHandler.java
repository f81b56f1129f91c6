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
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.console.ConsoleLog;

/**
 * {@code console_io(cmd, count, buffer)} (xen/drivers/char/console.c, {@code do_console_io} and
 * {@code guest_console_write}).
 *
 * <p>The arguments are decoded only through the run's {@link ArgumentStrategy}: in the pointer
 * form {@code buffer} names the bytes; in the embedded form it names one block, a header and the
 * {@code count} bytes inline (a longer write is split by the guest into several calls).
 *
 * <p><b>Permission</b> first, as Xen's {@code xsm_console_io} hook (xen/include/xsm/dummy.h) is
 * checked before the command is looked at: {@link HypervisorConfig.ConsoleAccess} decides; Xen's
 * release build refuses every unprivileged domain with -EPERM.
 *
 * <p><b>Write</b> ({@code CONSOLEIO_write}): copies the bytes from {@code done} on in chunks of the
 * configured size (Xen copies {@code min(count, sizeof(kbuf) - 1)} = 127 bytes of its
 * {@code char kbuf[128]} at a time) and appends each chunk to the domain's console output once it
 * was copied whole. Any {@code count} is accepted, as in Xen (there is no write limit; the run's
 * work budget bounds how long one call may take). Returns 0. A fault returns -EFAULT; the chunks
 * before it stay written (work done), the failing chunk appends nothing. Not modelled: Xen strips
 * a domU's non-printable characters and buffers its output up to a newline.
 *
 * <p><b>Read</b> ({@code CONSOLEIO_read}): copies up to {@code count} bytes of the domain's
 * console input ring into the buffer, in chunks, and returns the bytes read. On a fault the failing
 * chunk goes back to the ring and the result is -EFAULT (earlier chunks were delivered and are
 * consumed, as in Xen). A read is never preempted: Xen's read loop has no continuation.
 *
 * <p><b>Continuation.</b> As {@code guest_console_write}, a write polls
 * {@link HypercallContext#preemptionPending()} before each chunk but the first of an entry. In the
 * pointer form it continues as Xen does, {@code (CONSOLEIO_write, count - done, buffer advanced by
 * done)} ({@code hypercall_create_continuation(__HYPERVISOR_console_io, "iih", CONSOLEIO_write,
 * count, buffer)} after {@code guest_handle_add_offset}), the buffer advanced by the arch
 * ({@link org.xencommlab.api.hypercall.GuestCopy#advance}); like Xen, the handler never reads a
 * fourth word. The embedded form is the lab's own ABI: its one block starts with a header the
 * hypervisor must find again, so the words stay and the progress travels in the fourth word
 * ({@link ConsoleIoArguments#continuationArgs(long)}: {@code (cmd, count, block, done)}).
 *
 * <p>Errors: a domain the console access setting refuses: -EPERM (checked first); then what the
 * strategy refuses (unknown command -ENOSYS; a read above {@code INT_MAX} or an embedded count
 * beyond one block -E2BIG; progress beyond the count or a bad block -EINVAL; an unreadable block
 * -EFAULT).
 */
@Singleton
public final class ConsoleIoHandler implements HypercallHandler {
    private final ConsoleLog console;
    private final ArgumentStrategy strategy;
    private final int chunkBytes;
    private final HypervisorConfig.ConsoleAccess access;

    @Inject
    public ConsoleIoHandler(ConsoleLog console, ArgumentStrategy strategy, HypervisorConfig config) {
        this.console = requireNonNull(console, "console is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.chunkBytes = config.consoleChunkBytes();
        this.access = config.consoleAccess();
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        // xsm_console_io(XSM_OTHER, current->domain, cmd): cmd is do_console_io's unsigned int.
        if (!access.allows(context.isPrivileged(), args.length == 0 ? 0 : args[0] & 0xFFFF_FFFFL)) {
            return XenErrno.EPERM.asResult();
        }
        boolean xenEncoding = strategy.followsXenArgumentWords();
        long[] words = args;
        if (xenEncoding && args.length > 3 && args[3] != 0) {
            words = args.clone();
            words[3] = 0; // do_console_io(cmd, count, buffer) has no fourth parameter
        }
        ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, context.guest(), words);
        return io.cmd() == ConsoleIo.WRITE ? write(context, io, args.length > 2 ? args[2] : 0) : read(context, io);
    }

    /** @param buffer the buffer word, advanced for Xen's continuation in the pointer form */
    private long write(HypercallContext context, ConsoleIoArguments io, long buffer) {
        long count = io.count();
        long done = io.done();
        byte[] chunk = new byte[(int) Math.min(chunkBytes, count - done)];
        while (done < count) {
            if (done != io.done() && context.preemptionPending()) {
                return context.createContinuation(HypercallNumber.CONSOLE_IO, strategy.followsXenArgumentWords()
                        ? new long[] {ConsoleIo.WRITE, count - done, context.guest().advance(new MemoryReference(buffer), done).value()}
                        : io.continuationArgs(done));
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
        // Xen's read has no continuation, so it has no progress to resume from: it starts at 0.
        long done = 0;
        byte[] chunk = new byte[(int) Math.min(chunkBytes, count)];
        while (done < count && console.pendingInput(domid) > 0) {
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
