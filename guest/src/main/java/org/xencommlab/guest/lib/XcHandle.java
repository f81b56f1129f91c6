package org.xencommlab.guest.lib;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.privcmd.PrivcmdFile;

/**
 * One process's handle on the libxc-like library ({@code xc_interface *}): its privcmd file, the
 * arch's hypercall-buffer API (the mail's {@code alloc_buf}/{@code alloc_mem}/free, passed
 * through), and {@link #hypercall} with a retry on -EFAULT chosen by a named policy
 * ({@link GuestConfig.RetryPolicy}: libxc's by default, which retries none of the calls the lab
 * issues).
 *
 * <p>Tools ({@link org.xencommlab.guest.tools.Dom0Tools}) are built on a handle through
 * {@link XcCalls}: it takes buffers with {@link #allocBuf}/{@link #allocMem} or ordinary memory,
 * as the run's argument strategy asks, marshals the arguments with that strategy, issues them
 * with {@link #hypercall}, and reports through {@link #errorsSeen}; re-making a buffer
 * larger (Problem #3) is counted with {@link #countRetry}.
 *
 * <p>It records what the caller finally saw: every negative final result and every buffer error,
 * by errno. Not thread-safe (one process, one thread).
 */
public final class XcHandle implements AutoCloseable {
    private final GuestProcess process;
    private final PrivcmdFile privcmd;
    private final HypercallBufferApi buffers;
    private final GuestConfig.RetryPolicy retryPolicy;
    private final int retries;
    private final RunMetrics metrics;
    private final Trace trace;
    private final List<HypercallBuffer> live = new ArrayList<>();
    private final Map<XenErrno, Long> errorsSeen = new EnumMap<>(XenErrno.class);
    private long retriesDone;
    private long lastResult;
    private boolean closed;

    XcHandle(GuestProcess process, PrivcmdFile privcmd, HypercallBufferApi buffers, GuestConfig.RetryPolicy retryPolicy,
            int retries, RunMetrics metrics, Trace trace) {
        this.process = requireNonNull(process, "process is null");
        this.privcmd = requireNonNull(privcmd, "privcmd is null");
        this.buffers = requireNonNull(buffers, "buffers is null");
        this.retryPolicy = requireNonNull(retryPolicy, "retryPolicy is null");
        this.retries = retries;
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    public GuestProcess process() {
        return process;
    }

    public PrivcmdFile privcmd() {
        return privcmd;
    }

    /** The arch's buffer API for this process. */
    public HypercallBufferApi buffers() {
        return buffers;
    }

    /** {@code alloc_buf(nr_pages)}: the arch's buffer, tracked so that {@link #close} frees it. */
    public HypercallBuffer allocBuf(int nrPages) {
        checkOpen();
        try {
            HypercallBuffer buffer = buffers.allocBuf(nrPages);
            live.add(buffer);
            return buffer;
        } catch (XenException e) {
            // The kernel (mlock) or the hypervisor (registration) already counted it in the run's errors.
            saw(e.errno());
            throw e;
        }
    }

    /** {@code alloc_mem(buf, nbytes)}; ENOSPC (the size had to be known up front) is counted as an error the caller saw. */
    public BufferSlice allocMem(HypercallBuffer buffer, int nbytes) {
        checkOpen();
        try {
            return buffer.allocMem(nbytes);
        } catch (XenException e) {
            metrics.recordError(e.errno());
            saw(e.errno());
            throw e;
        }
    }

    /** Frees a buffer from {@link #allocBuf}. */
    public void freeBuf(HypercallBuffer buffer) {
        checkOpen();
        if (!live.remove(buffer)) {
            throw new XenException(XenErrno.EINVAL, "buffer " + buffer.id() + " is not live in this handle");
        }
        try {
            buffers.freeBuf(buffer);
        } catch (XenException e) {
            saw(e.errno());
            throw e;
        }
    }

    /**
     * Issues a hypercall through privcmd; a -EFAULT result (a page the hypervisor could not
     * reach: swapped, or caught between compaction's phases) is re-issued as many times as the
     * retry policy gives for {@code op}, each counted as a retry. Returns the final result.
     *
     * @throws XenException ESRCH if the process is dead or killed meanwhile
     */
    public long hypercall(int op, long... args) {
        checkOpen();
        return withRetries(op, () -> privcmd.hypercall(op, args));
    }

    private long withRetries(int op, java.util.function.LongSupplier issue) {
        long result = issue.getAsLong();
        int attempt = 0;
        int allowed = retryPolicy.retriesFor(op, retries);
        while (result == XenErrno.EFAULT.asResult() && attempt < allowed) {
            attempt++;
            countRetry();
            int nth = attempt;
            trace.event(TraceKind.LIBRARY, process.kernel().domid(), () -> "pid " + process.pid() + " retry " + nth + " after -EFAULT");
            result = issue.getAsLong();
        }
        lastResult = result;
        XenErrno.fromResult(result).ifPresent(this::saw);
        return result;
    }

    /**
     * Counts an error the caller saw that no hypercall returned (a strategy's E2BIG, a xenstore
     * refusal): in this handle's {@link #errorsSeen} and in the run's errors.
     */
    public void sawError(XenErrno errno) {
        metrics.recordError(errno);
        saw(errno);
    }

    /** Whether {@link #close} has not been called. */
    public boolean isOpen() {
        return !closed;
    }

    /** Counts a retry the caller made on its own (a buffer re-made larger). */
    public void countRetry() {
        retriesDone++;
        metrics.increment(Counter.RETRIES);
    }

    /** Retries this handle made. */
    public long retries() {
        return retriesDone;
    }

    /** The result of the last {@link #hypercall}. */
    public long lastResult() {
        return lastResult;
    }

    /** Errors the caller finally saw, by errno, in errno order. */
    public Map<XenErrno, Long> errorsSeen() {
        return new EnumMap<>(errorsSeen);
    }

    /** Buffers allocated and not freed. */
    public int liveBuffers() {
        return live.size();
    }

    /**
     * {@code xc_interface_close}: frees the buffers still live (libxc's buffer cache release) and
     * closes privcmd. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = live.size() - 1; i >= 0; i--) {
            buffers.freeBuf(live.remove(i));
        }
        privcmd.close();
    }

    private void saw(XenErrno errno) {
        errorsSeen.merge(errno, 1L, Long::sum);
    }

    private void checkOpen() {
        if (closed) {
            throw new XenException(XenErrno.EBADF, "library handle is closed");
        }
    }
}
