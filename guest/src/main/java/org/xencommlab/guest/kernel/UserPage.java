package org.xencommlab.guest.kernel;

/**
 * The kernel's record of one anonymous user page (Linux's {@code struct page} plus the bits of
 * its PTE the kernel keeps track of): where its bytes are now, whether it is locked, how many
 * pins hold it. The page-table entry in guest memory is kept in step with it.
 */
final class UserPage {
    final int pid;
    final long vpn;
    /** The address space it is mapped in; null once the mapping is gone but pins keep the frame (orphan). */
    AddressSpace owner;
    /** The frame holding the bytes while present (or the source frame while migrating); -1 otherwise. */
    long gfn = -1;
    /** The swap slot holding the bytes while swapped out; -1 otherwise. */
    int swapSlot = -1;
    /** Compaction in flight (phase 1 done, phase 2 pending); null otherwise. */
    Migration migration;
    /** mlock's per-page flag: not reference counted. */
    boolean locked;
    /** get_user_pages pins. */
    int pins;

    UserPage(AddressSpace owner, long vpn) {
        this.owner = owner;
        this.pid = owner.pid();
        this.vpn = vpn;
    }

    boolean present() {
        return gfn >= 0 && migration == null;
    }

    /** Phase 1 of compaction done: the PTE is a migration entry, the bytes are in {@link #target}. */
    static final class Migration {
        final UserPage page;
        final long target;
        boolean done;

        Migration(UserPage page, long target) {
            this.page = page;
            this.target = target;
        }
    }
}
