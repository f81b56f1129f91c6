package org.xencommlab.api.xencomm;

/** Whether the hypervisor reads guest memory or writes it (a write needs a writable mapping). */
public enum GuestAccessKind {
    READ,
    WRITE
}
