package org.xencommlab.guest.lib;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.ToolArgumentMemory;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.abi.HypercallIssuer;

/**
 * The library's marshalling of a tool's hypercalls through the run's {@link ArgumentStrategy},
 * so that the same tool code runs under any strategy and only the counts differ. The strategy says
 * where its argument memory goes ({@link ArgumentStrategy#toolArgumentMemory}):
 * <ul>
 *   <li>{@link ToolArgumentMemory#HYPERCALL_BUFFER}: the tool's hypercall buffer from the arch's
 *       buffer API ({@link XcHandle#allocBuf}: mlocked on x86, registered on ppc, device pages, or
 *       plain memory in ppc's descriptor mode), one slice per piece. The buffer is kept between
 *       calls (libxc's hypercall-buffer cache) and sized up front from the request
 *       ({@link ArgumentStrategy#argumentBytes}); when a request needs more than it holds, it is
 *       freed and a larger one allocated, and that re-make counts as one {@code RETRIES} (the
 *       mail's Problem #3);</li>
 *   <li>{@link ToolArgumentMemory#ORDINARY_MEMORY}: the tool's ordinary memory (kept between
 *       calls, re-mapped larger when needed, never locked or registered, so re-mapping it is no
 *       retry); the strategy's kernel side moves it through kernel memory during the call.</li>
 * </ul>
 * Either way the call goes through privcmd's one hypercall ioctl ({@link XcHandle#hypercall}) and
 * its -EFAULT retry applies, and errors are the caller's to see: negative results come back in the
 * outcome; a strategy's refusal (E2BIG) or a buffer error is a {@link XenException} also counted
 * in {@link XcHandle#errorsSeen}.
 *
 * <pre>{@code
 * XcCalls calls = new XcCalls(xc, strategy, trace);
 * for (var part : calls.split(new ConsoleWriteRequest(bytes))) {
 *     long result = calls.call(part);
 * }
 * }</pre>
 *
 * Not thread-safe (one process, one thread).
 */
public final class XcCalls implements AutoCloseable {
    private final XcHandle xc;
    private final ArgumentStrategy strategy;
    private final Trace trace;
    private final PageSize pageSize;
    private final HypercallIssuer issuer;
    private final HypercallIssuer.Channel<?> channel;
    private HypercallBuffer buffer;
    private long blockAddress;
    private long blockLength;
    private long bufferRemakes;

    public XcCalls(XcHandle xc, ArgumentStrategy strategy, Trace trace) {
        this.xc = requireNonNull(xc, "xc is null");
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.pageSize = xc.process().pageSize();
        this.issuer = new HypercallIssuer(strategy);
        this.channel = switch (strategy.toolArgumentMemory()) {
            case HYPERCALL_BUFFER -> new BufferChannel();
            case ORDINARY_MEMORY -> new MemoryChannel();
        };
    }

    public XcHandle handle() {
        return xc;
    }

    public ArgumentStrategy strategy() {
        return strategy;
    }

    /** {@code request} cut as the strategy must carry it ({@link ArgumentStrategy#split}). */
    public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return strategy.split(request);
    }

    /** Hypercall buffers re-made larger so far. */
    public long bufferRemakes() {
        return bufferRemakes;
    }

    /** Pages of the hypercall buffer held now, 0 if none. */
    public int bufferPages() {
        return buffer == null ? 0 : buffer.nrPages();
    }

    /**
     * Issues one part (it must fit: {@link #split} first) and reads its outcome.
     *
     * @throws XenException E2BIG for a part the strategy would have split; buffer errors (ENOMEM
     *     from mlock, ENOSPC, the hypervisor's ENOMEM for a registration); ESRCH when the process
     *     is killed during the call
     */
    public <R> R call(HypercallRequest<R> part) {
        return issuer.call(part, channel);
    }

    /** Hypercall-buffer memory: slices of the hypercall buffer, kept between calls. */
    private final class BufferChannel implements HypercallIssuer.Channel<BufferPlacement> {
        @Override
        public BufferPlacement open(int bytes) {
            ensureBuffer(bytes);
            buffer.reset();
            return new BufferPlacement(xc, buffer);
        }

        @Override
        public long issue(int op, long[] args, BufferPlacement placement) {
            return xc.hypercall(op, args);
        }

        @Override
        public void refused(XenException e) {
            xc.sawError(e.errno());
        }
    }

    /** Ordinary memory: one mapping of the tool's, kept between calls. */
    private final class MemoryChannel implements HypercallIssuer.Channel<UserMemoryPlacement> {
        @Override
        public UserMemoryPlacement open(int bytes) {
            ensureBlock(bytes);
            return new UserMemoryPlacement(xc.process(), blockAddress, blockLength);
        }

        @Override
        public long issue(int op, long[] args, UserMemoryPlacement placement) {
            return xc.hypercall(op, args);
        }

        @Override
        public void refused(XenException e) {
            xc.sawError(e.errno());
        }
    }

    private void ensureBuffer(int bytes) {
        if (buffer != null && buffer.capacity() >= bytes) {
            return;
        }
        int pages = (int) pageSize.pagesFor(bytes);
        if (buffer != null) {
            HypercallBuffer old = buffer;
            buffer = null;
            xc.freeBuf(old);
            bufferRemakes++;
            xc.countRetry();
            int oldPages = old.nrPages();
            trace.event(TraceKind.LIBRARY, xc.process().kernel().domid(), () -> "pid " + xc.process().pid()
                    + " hypercall buffer of " + oldPages + " pages too small for " + bytes + " bytes; re-made with " + pages);
        }
        buffer = xc.allocBuf(pages);
    }

    private void ensureBlock(int bytes) {
        if (blockLength >= bytes) {
            return;
        }
        long length = pageSize.addressOf(pageSize.pagesFor(bytes));
        if (blockLength > 0) {
            long old = blockAddress;
            long oldLength = blockLength;
            blockLength = 0;
            xc.process().munmap(old, oldLength);
        }
        blockAddress = xc.process().mmapAnonymous(length);
        blockLength = length;
    }

    /**
     * Frees the hypercall buffer (if the handle still holds it) and unmaps the ordinary memory, if
     * the process is alive; an exiting process releases both anyway. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (buffer != null) {
            HypercallBuffer old = buffer;
            buffer = null;
            if (xc.isOpen() && xc.process().isAlive()) {
                xc.freeBuf(old);
            }
        }
        if (blockLength > 0) {
            long length = blockLength;
            blockLength = 0;
            if (xc.process().isAlive()) {
                xc.process().munmap(blockAddress, length);
            }
        }
    }
}
