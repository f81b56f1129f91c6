package org.xencommlab.api.abi.sysctl;

import org.xencommlab.api.abi.ArgumentKind;

/**
 * A getdomaininfolist call as the hypervisor sees it once the strategy copied and checked the
 * sysctl structure (version EACCES, command ENOSYS, block checks EINVAL/E2BIG, copy EFAULT).
 *
 * <p>An implementation made by an {@link org.xencommlab.api.abi.ArgumentStrategy} guarantees
 * that records are written one at a time into the caller's room (never past {@code max_domains})
 * and that unreachable guest memory is EFAULT, never another exception.
 *
 * <pre>{@code
 * GetDomainInfoListArguments list = strategy.decode(GetDomainInfoListArguments.KIND, context.guest(), args);
 * int n = 0;
 * for (Domain d : domainsFrom(list.firstDomain())) {     // ascending domain id
 *     if (n == list.maxDomains()) break;
 *     list.writeDomainInfo(n++, infoOf(d));              // EFAULT: return -EFAULT
 * }
 * list.finish(n);                                        // writes num_domains back; EFAULT
 * return 0;
 * }</pre>
 */
public interface GetDomainInfoListArguments {
    /** What a handler asks {@link org.xencommlab.api.abi.ArgumentStrategy#decode} for. */
    ArgumentKind<GetDomainInfoListArguments> KIND = new ArgumentKind<>("sysctl getdomaininfolist", GetDomainInfoListArguments.class);

    /** The lowest domain id to report. */
    int firstDomain();

    /** Records of room, unsigned (the guest's u32, as a long). */
    long maxDomains();

    /** Writes record {@code index} (EINVAL unless {@code index < maxDomains()}, EFAULT when unreachable). */
    void writeDomainInfo(int index, DomainInfo info);

    /** Writes {@code num_domains} back, as Xen copies the sysctl structure back (EFAULT when unreachable). */
    void finish(int numDomains);
}
