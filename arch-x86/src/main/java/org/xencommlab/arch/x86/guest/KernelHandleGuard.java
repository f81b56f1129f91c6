package org.xencommlab.arch.x86.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.paging.AddressSpaceLayout;

/**
 * The kernel's privcmd check, on x86, of a user's hypercall before it passes the arguments
 * through unchanged: no handle a tool wrote may be a kernel address.
 *
 * <p>Why: an x86 reference is a virtual address of the caller, and the hypervisor walks the page
 * tables the vCPU runs on without looking at the user bit (Xen accesses guest memory with its own
 * privilege). privcmd issues a tool's hypercall from kernel mode, on page tables that map the
 * kernel half too, so a kernel address a tool passed (its direct map, say) would let the tool read
 * or write the kernel's memory through the hypervisor. Only the kernel makes kernel references
 * ({@link X86GuestXencomm.X86KernelState#kernelReference}: its own calls, the embedded ioctl's copy), after this
 * check, never through it.
 *
 * <p>A kernel address is a canonical address of the upper half (bits 63..47 all set, 48-bit
 * virtual addresses). What is checked:
 * <ul>
 *   <li>a hypercall the {@link HandleSiteFinder} knows: every top-level handle and every nested
 *       handle field it reports; the nested fields are read from the tool's memory with user
 *       loads, as {@code copy_from_user} would (EFAULT if the tool's structure is unreadable);</li>
 *   <li>a hypercall the finder does not know: the kernel cannot tell which words are handles, and a
 *       kernel address is never a user's to pass, so any argument word that is one is refused.</li>
 * </ul>
 * A refused handle is EPERM (a well-formed reference of a kind only the kernel may use), as ppc's
 * privcmd refuses an inline reference. A non-canonical or user address passes: the hypervisor
 * refuses what it cannot reach. Nothing changes and nothing is counted here (privcmd counts the
 * refusal it returns).
 */
final class KernelHandleGuard {
    private final UserProcessServices process;
    private final AddressSpaceLayout layout;

    KernelHandleGuard(UserProcessServices process) {
        this.process = process;
        this.layout = process.kernel().layout();
    }

    /** Throws EPERM if a user handle of hypercall {@code op} is a kernel address (EFAULT if it cannot be read). */
    void check(int op, long[] args, HandleSiteFinder finder) {
        Optional<List<HandleSite>> sites = finder.find(op, args.clone(), process::readMemory);
        if (sites.isEmpty()) {
            for (int i = 0; i < args.length; i++) {
                refuseKernelAddress(op, "argument " + i, args[i]);
            }
            return;
        }
        for (HandleSite site : sites.get()) {
            int index = site.argIndex();
            if (index < 0 || index >= args.length) {
                throw new XenException(XenErrno.EINVAL, "handle in argument " + index + " of " + args.length);
            }
            checkHandle(op, "argument " + index, args[index], site);
        }
    }

    private void checkHandle(int op, String where, long handle, HandleSite site) {
        refuseKernelAddress(op, where, handle);
        if (handle == 0 || site.nested().isEmpty()) {
            return; // NULL names nothing to read; a leaf is the hypervisor's to bound
        }
        byte[] word = new byte[Long.BYTES];
        for (HandleSite child : site.nested()) {
            long offset = child.fieldOffset();
            if (offset < 0 || offset > site.length() - Long.BYTES) {
                throw new XenException(XenErrno.EFAULT, "nested handle at " + offset + " outside a structure of " + site.length());
            }
            process.readMemory(handle + offset, word, 0, Long.BYTES);
            checkHandle(op, "field at " + offset, ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong(), child);
        }
    }

    private void refuseKernelAddress(int op, String where, long word) {
        if (word < 0 && layout.isCanonical(word)) {
            throw new XenException(XenErrno.EPERM, "hypercall " + op + ": " + where + " is the kernel address 0x"
                    + Long.toHexString(word) + ", which only the kernel may pass");
        }
    }
}
