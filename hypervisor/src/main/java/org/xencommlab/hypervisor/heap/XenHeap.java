package org.xencommlab.hypervisor.heap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The Xen heap: a bounded byte budget for the whole machine, with a quota per domain so that one
 * domain cannot exhaust what another needs. Each domain charges it through its
 * {@link DomainHeapAccount}; the gauge {@code XEN_HEAP_BYTES} follows the bytes in use.
 *
 * <p>Thread-safe: every charge and release is under one lock, so a charge checks the quota and the
 * budget and takes the bytes atomically. Recountable: {@link #usedBy(int)} is what the domain's
 * account holds, {@link #used()} their sum, checked by {@link #isConsistent()}.
 */
@Singleton
public final class XenHeap {
    private final long budget;
    private final long domainQuota;
    private final RunMetrics metrics;
    private final Map<Integer, DomainHeapAccount> accounts = new TreeMap<>();
    private long used;
    private long reclaimed;

    @Inject
    public XenHeap(HypervisorConfig config, RunMetrics metrics) {
        this.budget = config.xenHeapBytes();
        this.domainQuota = config.domainHeapQuotaBytes();
        this.metrics = metrics;
    }

    /**
     * Opens the account of a new domain.
     *
     * @throws IllegalStateException if the domain has an open account already
     */
    public synchronized DomainHeapAccount openAccount(int domid) {
        DomainHeapAccount old = accounts.get(domid);
        if (old != null && !old.isClosedLocked()) {
            throw new IllegalStateException("d" + domid + " has a heap account already");
        }
        DomainHeapAccount account = new DomainHeapAccount(this, domid, domainQuota);
        accounts.put(domid, account);
        return account;
    }

    /**
     * Closes a domain's account: later charges fail, later releases are ignored, and whatever it
     * still holds is reclaimed (returned to the budget).
     *
     * @return the bytes reclaimed, which the domain's teardown should have released itself
     */
    public synchronized long closeAccount(DomainHeapAccount account) {
        if (account.isClosedLocked()) {
            return 0;
        }
        long left = account.usedLocked();
        account.closeLocked();
        if (left > 0) {
            used -= left;
            reclaimed += left;
            metrics.adjust(Gauge.XEN_HEAP_BYTES, -left);
        }
        accounts.remove(account.domid());
        return left;
    }

    /** The global budget in bytes. */
    public long budget() {
        return budget;
    }

    /** The per-domain quota in bytes. */
    public long domainQuota() {
        return domainQuota;
    }

    /** Bytes in use on the whole machine. */
    public synchronized long used() {
        return used;
    }

    /** Bytes the open account of {@code domid} holds, 0 if it has none. */
    public synchronized long usedBy(int domid) {
        DomainHeapAccount account = accounts.get(domid);
        return account == null ? 0 : account.usedLocked();
    }

    /** Bytes reclaimed from domains destroyed while still holding charges (leaks their code made). */
    public synchronized long reclaimed() {
        return reclaimed;
    }

    /** Bytes held per open account, by domid. */
    public synchronized Map<Integer, Long> usage() {
        Map<Integer, Long> result = new TreeMap<>();
        accounts.forEach((domid, account) -> result.put(domid, account.usedLocked()));
        return result;
    }

    /** Whether the machine total equals the sum of the accounts and stays within the budget. */
    public synchronized boolean isConsistent() {
        long sum = 0;
        for (DomainHeapAccount account : accounts.values()) {
            long u = account.usedLocked();
            if (u < 0 || u > domainQuota) {
                return false;
            }
            sum += u;
        }
        return sum == used && used >= 0 && used <= budget;
    }

    synchronized boolean charge(DomainHeapAccount account, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative charge: " + bytes);
        }
        if (account.isClosedLocked()) {
            return false;
        }
        long domainUsed = account.usedLocked();
        if (bytes > domainQuota - domainUsed || bytes > budget - used) {
            return false;
        }
        account.addLocked(bytes);
        used += bytes;
        if (bytes > 0) {
            metrics.adjust(Gauge.XEN_HEAP_BYTES, bytes);
        }
        return true;
    }

    synchronized void release(DomainHeapAccount account, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative release: " + bytes);
        }
        if (account.isClosedLocked()) {
            return; // reclaimed when the account was closed
        }
        if (bytes > account.usedLocked()) {
            throw new IllegalStateException("d" + account.domid() + " releases " + bytes
                    + " bytes but holds " + account.usedLocked());
        }
        account.addLocked(-bytes);
        used -= bytes;
        if (bytes > 0) {
            metrics.adjust(Gauge.XEN_HEAP_BYTES, -bytes);
        }
    }

    synchronized long usedOf(DomainHeapAccount account) {
        return account.usedLocked();
    }
}
