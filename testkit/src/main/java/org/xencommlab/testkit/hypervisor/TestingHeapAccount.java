package org.xencommlab.testkit.hypervisor;

import org.xencommlab.api.hypercall.XenHeapAccount;

/**
 * A domain's Xen heap account with a quota, inside a machine-wide {@link Budget} shared by every
 * domain's account, as the hypervisor's heap keeps them. A negative charge, or a release of more than
 * is charged, fails the test. Thread-safe.
 */
public final class TestingHeapAccount implements XenHeapAccount {
    /** The machine-wide budget shared by every domain's account. */
    public static final class Budget {
        private final long limit;
        private long used;

        public Budget(long limit) {
            this.limit = limit;
        }

        public synchronized long used() {
            return used;
        }

        synchronized boolean take(long bytes) {
            if (used + bytes > limit) {
                return false;
            }
            used += bytes;
            return true;
        }

        synchronized void give(long bytes) {
            used -= bytes;
            if (used < 0) {
                throw new AssertionError("budget released below zero");
            }
        }
    }

    private final Budget budget;
    private final long quota;
    private long used;
    private long peak;

    public TestingHeapAccount(Budget budget, long quota) {
        this.budget = budget;
        this.quota = quota;
    }

    @Override
    public synchronized boolean tryCharge(long bytes) {
        if (bytes < 0) {
            throw new AssertionError("negative charge");
        }
        if (used + bytes > quota || !budget.take(bytes)) {
            return false;
        }
        used += bytes;
        peak = Math.max(peak, used);
        return true;
    }

    @Override
    public synchronized void release(long bytes) {
        if (bytes < 0 || bytes > used) {
            throw new AssertionError("release of " + bytes + " with " + used + " charged");
        }
        used -= bytes;
        budget.give(bytes);
    }

    @Override
    public synchronized long used() {
        return used;
    }

    public synchronized long peak() {
        return peak;
    }

    @Override
    public long quota() {
        return quota;
    }
}
