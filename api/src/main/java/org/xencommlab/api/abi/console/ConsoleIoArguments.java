package org.xencommlab.api.abi.console;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A {@code console_io} call as the hypervisor sees it: the command, the count, the progress, and
 * bounded copies in and out of the guest's buffer (or block).
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees that
 * every copy is checked against {@code count} (EINVAL beyond it) and that unreachable guest memory
 * is EFAULT, never another exception.
 *
 * <pre>{@code
 * ConsoleIoArguments io = strategy.decode(ConsoleIoArguments.KIND, context.guest(), args);   // ENOSYS, E2BIG, EINVAL, EFAULT
 * byte[] kbuf = new byte[ConsoleIo.WRITE_CHUNK];
 * for (long done = io.done(); done < io.count(); ) {
 *     if (done != io.done() && context.preemptionPending()) {
 *         return context.createContinuation(HypercallNumber.CONSOLE_IO, io.continuationArgs(done));
 *     }
 *     int n = (int) Math.min(kbuf.length, io.count() - done);
 *     io.copyIn(done, kbuf, 0, n);                                      // EFAULT
 *     console.append(kbuf, 0, n);
 *     done += n;
 * }
 * return 0;
 * }</pre>
 */
public interface ConsoleIoArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<ConsoleIoArguments> KIND = new ArgumentKind<>("console_io", ConsoleIoArguments.class);

    /** {@code CONSOLEIO_write} or {@code CONSOLEIO_read}. */
    int cmd();

    /** The byte count, unsigned. */
    long count();

    /** Bytes already done by earlier entries of this call (never above {@link #count()}). */
    long done();

    /** Copies {@code length} bytes of the guest's buffer from {@code offset} (write). */
    void copyIn(long offset, byte[] dst, int dstOffset, int length);

    /** Copies {@code length} bytes into the guest's buffer at {@code offset} (read). */
    void copyOut(long offset, byte[] src, int srcOffset, int length);

    /** The argument words that continue this call with {@code done} bytes done. */
    long[] continuationArgs(long done);
}
