package org.xencommlab.guest.tools;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.DomainInfoListOutcome;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.guest.abi.HypercallIssuer;
import org.xencommlab.guest.lib.XcCalls;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.guest.xenstore.XenStore;

/**
 * The dom0 tools of the lab (the parts of xl and libxc the workloads need), run by a user process
 * through privcmd and the libxc-like library. Every call goes through {@link XcCalls}, so the same
 * code runs under any argument strategy, through {@link XcHandle#hypercall} (the -EFAULT retry
 * applies); a negative final result is a
 * {@link XenException} carrying the errno the tool saw, also counted in
 * {@link XcHandle#errorsSeen}.
 *
 * <pre>{@code
 * try (Dom0Tools xl = tools.open(machine.startTool(dom0, "xl"))) {
 *     List<DomainInfo> domains = xl.listDomains();
 *     xl.writeConsole("hello\n".getBytes(US_ASCII));
 *     xl.setMemoryTarget(1, 8192);                 // domain 1's balloon moves to 8192 pages
 * }
 * }</pre>
 *
 * Not thread-safe (one process, one thread). Closing releases the library's buffers; the handle
 * itself stays the caller's to close.
 */
public final class Dom0Tools implements AutoCloseable {
    /** Records of room the first getdomaininfolist asks for (the caller cannot know how many domains exist). */
    public static final int INITIAL_DOMAIN_ROOM = 2;
    /** {@code DOMID_FIRST_RESERVED}: ids from here on are not domains. */
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;
    /** The most records one getdomaininfolist asks for as the room grows. */
    public static final int MAX_DOMAIN_ROOM = 1024;

    private final XcHandle xc;
    private final XcCalls calls;
    private final XenStore store;
    private final Trace trace;

    Dom0Tools(XcHandle xc, XcCalls calls, XenStore store, Trace trace) {
        this.xc = requireNonNull(xc, "xc is null");
        this.calls = requireNonNull(calls, "calls is null");
        this.store = requireNonNull(store, "store is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    public XcHandle handle() {
        return xc;
    }

    public XcCalls calls() {
        return calls;
    }

    /** {@link #listDomains(int)} from {@link #INITIAL_DOMAIN_ROOM} records of room. */
    public List<DomainInfo> listDomains() {
        return listDomains(INITIAL_DOMAIN_ROOM);
    }

    /**
     * Every domain, ascending by id ({@code XEN_SYSCTL_getdomaininfolist}), asked for with
     * {@code initialRoom} records of room. When an answer fills its room there may be more: the
     * tool asks again from the last domain's id + 1 with twice the room (up to
     * {@link #MAX_DOMAIN_ROOM}; the embedded form caps each round at what one block holds). A
     * larger room may need a larger hypercall buffer, whose re-making the library counts as a retry.
     *
     * @throws XenException the errno of a failed call (EPERM outside dom0, EFAULT, ...)
     */
    public List<DomainInfo> listDomains(int initialRoom) {
        if (initialRoom < 1) {
            throw new IllegalArgumentException("room for at least one domain: " + initialRoom);
        }
        List<DomainInfo> domains = new ArrayList<>();
        int first = 0;
        int room = initialRoom;
        int rounds = 0;
        while (true) {
            boolean full = false;
            for (HypercallRequest<DomainInfoListOutcome> part : calls.split(new GetDomainInfoListRequest(first, room))) {
                DomainInfoListOutcome out = calls.call(part);
                rounds++;
                HypercallIssuer.check(out.result(), "getdomaininfolist");
                domains.addAll(out.domains());
                int max = ((GetDomainInfoListRequest) part).maxDomains();
                full = out.domains().size() == max && max > 0;
                if (!full) {
                    break;
                }
            }
            if (!full || domains.isEmpty()) {
                break;
            }
            first = domains.get(domains.size() - 1).domain() + 1;
            if (first >= DOMID_FIRST_RESERVED) {
                break;
            }
            room = Math.min(room * 2, MAX_DOMAIN_ROOM);
        }
        int n = domains.size();
        int r = rounds;
        trace.event(TraceKind.LIBRARY, domid(), () -> "pid " + xc.process().pid() + " listed " + n + " domains in " + r + " calls");
        return List.copyOf(domains);
    }

    /**
     * Writes {@code bytes} to the hypervisor's console ({@code CONSOLEIO_write}), in as many calls
     * as the strategy needs.
     *
     * @return bytes written
     * @throws XenException the errno of a failed call
     */
    public long writeConsole(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        for (HypercallRequest<Long> part : calls.split(new ConsoleWriteRequest(bytes))) {
            HypercallIssuer.check(calls.call(part), "console write");
        }
        return bytes.length;
    }

    /**
     * Reads up to {@code max} bytes of the hypervisor's console input ({@code CONSOLEIO_read}),
     * stopping at the first call that did not fill its count.
     *
     * @throws XenException the errno of a failed call
     */
    public byte[] readConsole(int max) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (HypercallRequest<ConsoleReadOutcome> part : calls.split(new ConsoleReadRequest(max))) {
            ConsoleReadOutcome out = calls.call(part);
            HypercallIssuer.check(out.result(), "console read");
            byte[] bytes = out.bytes();
            read.write(bytes, 0, bytes.length);
            if (bytes.length < ((ConsoleReadRequest) part).count()) {
                break;
            }
        }
        return read.toByteArray();
    }

    /**
     * {@code xl mem-set}: writes domain {@code domid}'s balloon target, {@code pages} pages, to
     * {@code /local/domain/<domid>/memory/target} in KiB (a xenbus write: one system call). The
     * target domain's balloon driver, watching that node, moves toward it before this returns.
     *
     * @throws XenException EACCES when this domain may not write the node; EINVAL for a negative
     *     size
     */
    public void setMemoryTarget(int domid, long pages) {
        if (pages < 0) {
            xc.sawError(XenErrno.EINVAL);
            throw new XenException(XenErrno.EINVAL, "negative memory target " + pages);
        }
        long kib = Math.multiplyExact(pages, (long) xc.process().pageSize().bytes()) / 1024;
        xc.process().systemCall("xenbus write", () -> {
            try {
                store.write(domid(), XenStore.memoryTargetPath(domid), Long.toString(kib));
            } catch (XenException e) {
                xc.sawError(e.errno());
                throw e;
            }
            return null;
        });
    }

    /**
     * A device model's {@code XEN_DMOP_modified_memory} on domain {@code domid}: the pages of
     * {@code extents} were modified (for log-dirty tracking). Split as the strategy needs.
     *
     * @return extents the hypervisor processed
     * @throws XenException the errno of a failed call
     */
    public long modifiedMemory(int domid, List<ModifiedMemoryExtent> extents) {
        long done = 0;
        for (HypercallRequest<ModifiedMemoryOutcome> part : calls.split(new ModifiedMemoryRequest(domid, extents))) {
            ModifiedMemoryOutcome out = calls.call(part);
            HypercallIssuer.check(out.result(), "dm_op modified_memory");
            // A call that returns 0 did every extent; Xen copies nothing back to buffer 0 then.
            done += ((ModifiedMemoryRequest) part).extents().size();
        }
        return done;
    }

    /** {@code xen_version(XENVER_version, NULL)}: major in the high 16 bits, minor in the low. */
    public long xenVersion() {
        long result = calls.call(PlainCall.of(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0));
        HypercallIssuer.check(result, "xen_version");
        return result;
    }

    /**
     * Several calls in one {@code multicall}, prepared with the same strategy (in the embedded form
     * the whole list and the calls' blocks must fit one block: E2BIG otherwise). The entries'
     * results are the caller's to read; only the multicall's own failure throws.
     *
     * @throws XenException the errno of the multicall itself, or E2BIG
     */
    public MulticallOutcome multicall(HypercallRequest<?>... requests) {
        MulticallOutcome out = calls.call(MulticallRequest.of(requests));
        HypercallIssuer.check(out.result(), "multicall");
        return out;
    }

    /** A multicall of {@code xen_version} and a console write of {@code bytes}. */
    public MulticallOutcome versionAndConsole(byte[] bytes) {
        return multicall(PlainCall.of(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0), new ConsoleWriteRequest(bytes));
    }

    /** Releases the library's buffers (not the handle). */
    @Override
    public void close() {
        calls.close();
    }

    private int domid() {
        return xc.process().kernel().domid();
    }
}
