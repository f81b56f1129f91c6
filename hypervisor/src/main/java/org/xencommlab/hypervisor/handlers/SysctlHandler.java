package org.xencommlab.hypervisor.handlers;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.sysctl.DomainInfo;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;

/**
 * {@code sysctl(u_sysctl)} (xen/common/sysctl.c {@code do_sysctl}), command {@code XEN_SYSCTL_getdomaininfolist}:
 * the control domain lists live domains from {@code first_domain} on, in domid order, into room
 * for {@code max_domains} records; {@code num_domains} tells how many were written. The caller does
 * not know how many domains there are (the mail's Problem #3): it asks again from the domain after
 * the last one it got until fewer than it had room for come back. The result is 0.
 *
 * <p>The structure is decoded only through the run's {@link ArgumentStrategy}: in the pointer form
 * {@code args[0]} names the 128-byte {@code xen_sysctl} whose handle names the record array; in the
 * embedded form it names one block with the records inline (room for at most a block's worth).
 *
 * <p>Each record ({@link DomainInfo}) is filled from the domain's state: {@code domain},
 * {@code flags} ({@code XEN_DOMINF_running} for the calling domain, whose vCPU is in the
 * hypervisor now, {@code XEN_DOMINF_blocked} for the others: the lab has no run queue to say
 * more), {@code tot_pages}, {@code max_pages}, {@code nr_online_vcpus} and {@code max_vcpu_id}, and
 * {@code gpaddr_bits} (the width of its guest-physical space); the rest is 0
 * ({@code shared_info_frame}, {@code cpu_time}: the lab keeps no clock, {@code ssidref},
 * {@code handle}, {@code cpupool}).
 *
 * <p>Errors, in Xen's order: what the strategy refuses first (unreadable structure -EFAULT, another
 * interface version -EACCES, a bad block -EINVAL or -E2BIG); an unprivileged caller -EPERM
 * (Xen's {@code xsm_sysctl(XSM_PRIV, op->cmd)}, which runs before the command is looked at, so an
 * unprivileged caller gets -EPERM for an unknown command too); another command -ENOSYS; a record
 * that cannot be written -EFAULT, and then nothing is copied back: the records before it are
 * written, but {@code num_domains} keeps the guest's value (Xen breaks out before it sets
 * {@code num_domains}, and {@code copyback} is -1, so the structure is not copied back on an
 * error); {@code num_domains} that cannot be written -EFAULT.
 */
@Singleton
public final class SysctlHandler implements HypercallHandler {
    private final ArgumentStrategy strategy;
    private final DomainTable domains;
    private final PageSize pageSize;

    @Inject
    public SysctlHandler(ArgumentStrategy strategy, DomainTable domains, PageSize pageSize) {
        this.strategy = requireNonNull(strategy, "strategy is null");
        this.domains = requireNonNull(domains, "domains is null");
        this.pageSize = requireNonNull(pageSize, "pageSize is null");
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        GetDomainInfoListArguments list;
        try {
            list = strategy.decode(GetDomainInfoListArguments.KIND, context.guest(), args);
        } catch (XenException e) {
            // The strategy refuses another command (ENOSYS) only after the copy and the version
            // check passed; Xen's XSM check comes between those and the command switch.
            if (e.errno() == XenErrno.ENOSYS && !context.isPrivileged()) {
                return XenErrno.EPERM.asResult();
            }
            throw e;
        }
        if (!context.isPrivileged()) {
            return XenErrno.EPERM.asResult();
        }
        int written = 0;
        for (Domain domain : domains.domains()) {
            if (domain.domid() < list.firstDomain()) {
                continue;
            }
            if (written == list.maxDomains()) {
                break;
            }
            try {
                list.writeDomainInfo(written, info(domain, context.domid()));
            } catch (XenException e) {
                // "ret = -EFAULT; break;" then "if ( ret != 0 ) break;": nothing is copied back.
                return e.asResult();
            }
            written++;
        }
        list.finish(written);
        return 0;
    }

    private DomainInfo info(Domain domain, int caller) {
        int flags = domain.domid() == caller ? DomainInfo.DOMINF_RUNNING : DomainInfo.DOMINF_BLOCKED;
        long spaceBytes = domain.physmapFrames() << pageSize.shift();
        int gpaddrBits = spaceBytes <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(spaceBytes - 1);
        int vcpus = domain.vcpuCount();
        return new DomainInfo(domain.domid(), flags, domain.totPages(), domain.maxPages(), 0, 0, 0, 0, 0, vcpus,
                vcpus - 1, 0, new byte[DomainInfo.HANDLE_SIZE], 0, gpaddrBits);
    }
}
