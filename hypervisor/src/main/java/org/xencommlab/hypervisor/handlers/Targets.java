package org.xencommlab.hypervisor.handlers;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;

/** How handlers find the domain a request names, with Xen's lookup and permission rules. */
final class Targets {
    /** {@code DOMID_SELF}: the calling domain. */
    static final int DOMID_SELF = 0x7FF0;

    private Targets() {}

    /**
     * Xen's {@code rcu_lock_domain_by_any_id}: {@code DOMID_SELF} or a live domain's id; null if
     * there is no such live domain.
     */
    static Domain byAnyId(DomainTable domains, HypercallContext context, int domid) {
        return domains.lookup(domid == DOMID_SELF ? context.domid() : domid);
    }

    /**
     * Xen's {@code XSM_TARGET} check: a domain may act on itself; the control domain on any.
     *
     * @throws XenException EPERM otherwise
     */
    static void checkTarget(HypercallContext context, Domain target) {
        if (target.domid() != context.domid() && !context.isPrivileged()) {
            throw new XenException(XenErrno.EPERM, "d" + context.domid() + " may not act on " + target);
        }
    }
}
