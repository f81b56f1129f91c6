package org.xencommlab.arch.ppc.registration;

import java.util.Arrays;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * One registered buffer in a domain's {@link RegistrationTable}: the bufid the guest names it by
 * and the hypervisor's own snapshot of its page list, taken once at registration. Immutable; the
 * frames stay pinned while the registration is live.
 */
public final class BufferRegistration {
    private final long bufid;
    private final long[] gfns;
    private final long heapBytes;

    BufferRegistration(long bufid, long[] gfns, long heapBytes) {
        this.bufid = bufid;
        this.gfns = gfns;
        this.heapBytes = heapBytes;
    }

    public long bufid() {
        return bufid;
    }

    public int index() {
        return PpcMemref.index(bufid);
    }

    public int generation() {
        return PpcMemref.generation(bufid);
    }

    public int nrPages() {
        return gfns.length;
    }

    /** Guest frame of page {@code i} of the buffer. */
    public long gfn(int i) {
        return gfns[i];
    }

    /** A copy of the page list. */
    public long[] gfns() {
        return Arrays.copyOf(gfns, gfns.length);
    }

    /** Bytes this registration holds on the Xen heap. */
    public long heapBytes() {
        return heapBytes;
    }

    @Override
    public String toString() {
        return "registration bufid=0x" + Long.toHexString(bufid) + " pages=" + gfns.length;
    }
}
