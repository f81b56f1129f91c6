package org.xencommlab.api.hypercall;

/**
 * The Xen release whose interface the lab models, in one place: the version {@code xen_version}
 * reports and the interface versions the structures carry must belong to the same release, as a
 * real tool built against that release's headers expects.
 *
 * <p>Xen 4.19: {@code XENVER_version} answers {@code 0x40013}; {@code XEN_SYSCTL_INTERFACE_VERSION}
 * is {@code 0x15} (xen/include/public/sysctl.h of RELEASE-4.19.0; it was {@code 0x14} in 4.16).
 */
public final class XenRelease {
    /** The major version {@code XENVER_version} reports. */
    public static final int MAJOR = 4;
    /** The minor version {@code XENVER_version} reports. */
    public static final int MINOR = 19;
    /** {@code XEN_SYSCTL_INTERFACE_VERSION} of this release. */
    public static final int SYSCTL_INTERFACE_VERSION = 0x15;

    private XenRelease() {}
}
