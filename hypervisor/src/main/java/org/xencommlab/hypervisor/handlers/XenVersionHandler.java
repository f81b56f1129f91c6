package org.xencommlab.hypervisor.handlers;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.SubOps.XenVersion;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * {@code xen_version(cmd, arg)}: {@code XENVER_version} returns {@code (major << 16) | minor};
 * {@code XENVER_extraversion} copies the 16-byte, NUL-padded {@code xen_extraversion_t} to the guest
 * handle in {@code arg} (0, or -EFAULT); {@code XENVER_pagesize} returns the arch's page size, and -EINVAL when
 * {@code arg} is not NULL (xen/common/kernel.c {@code do_xen_version}). Any
 * other command is -ENOSYS. {@code cmd} is the low 32 bits of its word, as Xen's {@code int cmd}
 * parameter is (and as the xencomm handle finder reads it). No state changes.
 */
@Singleton
public final class XenVersionHandler implements HypercallHandler {
    private final int version;
    private final byte[] extraVersion = new byte[XenVersion.EXTRAVERSION_LENGTH];
    private final PageSize pageSize;

    @Inject
    public XenVersionHandler(HypervisorConfig config, PageSize pageSize) {
        this.version = (config.versionMajor() << 16) | config.versionMinor();
        byte[] text = config.extraVersion().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, extraVersion, 0, text.length);
        this.pageSize = pageSize;
    }

    @Override
    public long handle(HypercallContext context, long[] args) {
        // do_xen_version(int cmd, ...): only the low 32 bits of the word are the command.
        int cmd = (int) args[0];
        if (cmd == XenVersion.VERSION) {
            return version;
        }
        if (cmd == XenVersion.EXTRAVERSION) {
            long notCopied = context.guest().copyToGuest(new MemoryReference(args[1]), 0, extraVersion, 0, extraVersion.length);
            return notCopied == 0 ? 0 : XenErrno.EFAULT.asResult();
        }
        if (cmd == XenVersion.PAGESIZE) {
            // do_xen_version (xen/common/kernel.c): "case XENVER_pagesize: if ( deny ||
            // !guest_handle_is_null(arg) ) return -EINVAL;" (the size is the result, not copied).
            return args.length > 1 && args[1] != 0 ? XenErrno.EINVAL.asResult() : pageSize.bytes();
        }
        return XenErrno.ENOSYS.asResult();
    }
}
