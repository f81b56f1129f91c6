package org.xencommlab.arch.ppc.hypervisor;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;

/**
 * The handler of {@code arch_0}, the registration hypercall, for one domain; its argument words
 * and errors are documented on {@link RegistrationOp}. Made by the domain's
 * {@link PpcGuestHandleResolver.PpcDomainState} around the domain's table, so it is only ever
 * called for that domain (the hypervisor asks the calling domain's state for it).
 */
public final class RegistrationHypercall implements HypercallHandler {
    private final RegistrationTable table;

    RegistrationHypercall(RegistrationTable table) {
        this.table = requireNonNull(table, "table is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        try {
            long subOp = args.length > 0 ? args[0] : -1;
            if (subOp == RegistrationOp.REGISTER) {
                return register(context, table, word(args, 1), word(args, 2));
            }
            if (subOp == RegistrationOp.UNREGISTER) {
                table.unregister(word(args, 1), context::unpinFrame);
                return 0;
            }
            return XenErrno.ENOSYS.asResult();
        } catch (XenException e) {
            return e.asResult();
        }
    }

    private static long register(HypercallContext context, RegistrationTable table, long list, long nrPages) {
        if (nrPages < 1) {
            throw new XenException(XenErrno.EINVAL, "registration of " + nrPages + " pages");
        }
        if (nrPages > PpcMemref.MAX_BUFFER_PAGES) {
            throw new XenException(XenErrno.E2BIG, "registration of " + nrPages + " pages");
        }
        if (!PpcMemref.isInline(list)) {
            throw new XenException(XenErrno.EINVAL, "frame list must be an inline reference");
        }
        int n = (int) nrPages;
        byte[] copy = new byte[n * Long.BYTES];
        if (context.guest().copyFromGuest(copy, 0, new MemoryReference(list), 0, copy.length) != 0) {
            throw new XenException(XenErrno.EFAULT, "frame list unreadable");
        }
        long[] gfns = new long[n];
        ByteBuffer.wrap(copy).order(ByteOrder.BIG_ENDIAN).asLongBuffer().get(gfns);
        return table.register(gfns, context::pinFrame, context::unpinFrame);
    }

    private static long word(long[] args, int i) {
        return i < args.length ? args[i] : 0;
    }
}
