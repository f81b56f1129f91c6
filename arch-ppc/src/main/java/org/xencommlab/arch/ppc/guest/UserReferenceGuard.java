package org.xencommlab.arch.ppc.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The kernel's privcmd check, in registration mode, of a user's hypercall before it passes the
 * arguments through unchanged: no handle a user wrote may be an inline reference.
 *
 * <p>Why: an inline reference (bit 63, {@link PpcMemref#INLINE_FLAG}) carries a guest-physical
 * address the real-mode hypervisor uses directly, meant for physically contiguous kernel memory.
 * The hypervisor only checks that the frames are the caller's domain's, so an inline word from a
 * user would let a tool read or write any memory of its own domain: the kernel's, other
 * processes'. Only the kernel makes inline references (its own calls, the embedded ioctl's copy,
 * descriptor mode's copies and descriptors); it makes them after this check, never through it.
 *
 * <p>What is checked:
 * <ul>
 *   <li>a hypercall the {@link HandleSiteFinder} knows: every top-level handle and every nested
 *       handle field it reports, the fields read from the tool's memory. A handle is a
 *       {@code bufid | offset} the kernel translates back to the tool's address through the
 *       process's registrations ({@link ProcessRecord}) or, for the device area's bufid, through
 *       the tool's mappings of the area. A structure that is not inside one of those (a stale or
 *       foreign bufid, a range beyond the buffer) cannot be read as the tool's memory: EFAULT, as
 *       {@code copy_from_user} of a bad address;</li>
 *   <li>a hypercall the finder does not know: the kernel cannot tell which words are handles, and
 *       an inline word is never a user's to pass, so any argument word with the inline flag is
 *       refused; the others pass through (the hypervisor refuses the call or resolves its
 *       {@code bufid | offset} references itself).</li>
 * </ul>
 * A refused handle is EPERM, as Linux's privcmd refuses a hypercall the caller may not make
 * ({@code IOCTL_PRIVCMD_HYPERCALL} on a restricted file): the word is a well-formed reference the
 * hypervisor would accept, of a kind only the kernel is permitted to use; EFAULT would wrongly say
 * the memory is unreachable. Nothing is issued and nothing changes: the check only reads.
 *
 * <p>The check reads the structures before the hypervisor does. That is sound here because a
 * process has one thread and its registered pages are its own (a device piece is mapped into one
 * process); a kernel with multi-threaded tools would copy the structures in, as descriptor mode
 * does.
 */
final class UserReferenceGuard {
    private final UserProcessServices process;
    private final ProcessRecord record;
    private final DeviceArea deviceArea;
    private final int pageBytes;
    private final ByteOrder order;

    /**
     * @param record the process's record, or null if it never opened buffers (it has no registration)
     * @param deviceArea the kernel's registered device area, or null if none was reserved
     */
    UserReferenceGuard(UserProcessServices process, ProcessRecord record, DeviceArea deviceArea, ByteOrder order) {
        this.process = process;
        this.record = record;
        this.deviceArea = deviceArea;
        this.pageBytes = process.pageSize().bytes();
        this.order = order;
    }

    /** Throws EPERM if a user handle of hypercall {@code op} is inline (EFAULT if it cannot be read); returns otherwise. */
    void check(int op, long[] args, HandleSiteFinder finder) {
        // No argument word a user passes may be inline, whatever the call and whatever the finder
        // says: a strategy whose finder reports no handles (embedded) still has its block word read
        // as a reference by the hypervisor.
        refuseInlineWords(op, args);
        Optional<List<HandleSite>> sites = finder.find(op, args.clone(), (address, dst, dstOffset, length) ->
                readUser(address, 0, dst, dstOffset, length));
        if (sites.isEmpty()) {
            return;
        }
        for (HandleSite site : sites.get()) {
            int index = site.argIndex();
            if (index < 0 || index >= args.length) {
                throw new XenException(XenErrno.EINVAL, "handle in argument " + index + " of " + args.length);
            }
            checkHandle(args[index], site);
        }
    }

    /**
     * EPERM if any argument word carries the inline flag (checked for every user hypercall, known
     * or not). Shared with descriptor mode, which refuses such a word before its whitelist's ENOSYS so
     * that both modes answer an inline word alike.
     */
    static void refuseInlineWords(int op, long[] args) {
        for (int i = 0; i < args.length; i++) {
            if (PpcMemref.isInline(args[i])) {
                throw inlineRefused(op, "argument " + i, args[i]);
            }
        }
    }

    private void checkHandle(long handle, HandleSite site) {
        if (PpcMemref.isInline(handle)) {
            throw inlineRefused(-1, site.argIndex() >= 0 ? "argument " + site.argIndex() : "field at " + site.fieldOffset(), handle);
        }
        if (handle == 0 || site.nested().isEmpty()) {
            return; // NULL names nothing to read; a leaf is the hypervisor's to bound
        }
        byte[] word = new byte[Long.BYTES];
        for (HandleSite child : site.nested()) {
            long offset = child.fieldOffset();
            if (offset < 0 || offset > site.length() - Long.BYTES) {
                throw new XenException(XenErrno.EFAULT, "nested handle at " + offset + " outside a structure of " + site.length());
            }
            readUser(handle, offset, word, 0, Long.BYTES);
            checkHandle(ByteBuffer.wrap(word).order(order).getLong(), child);
        }
    }

    // Reads [ref + extra, + length) of the tool's memory, where ref is a registered reference it wrote.
    private void readUser(long ref, long extra, byte[] dst, int dstOffset, int length) {
        if (PpcMemref.isInline(ref)) {
            throw inlineRefused(-1, "a structure", ref);
        }
        long bufid = PpcMemref.bufidOf(ref);
        long offset = PpcMemref.offset(ref) + extra;
        long userAddress = -1;
        if (deviceArea != null && bufid == deviceArea.bufid()) {
            long areaBytes = (long) deviceArea.pages() * pageBytes;
            if (record != null && offset <= areaBytes - length) {
                userAddress = record.deviceUserAddress(deviceArea.physicalAddress() + offset, length);
            }
        } else {
            RegisteredBufferApi.RegisteredBuffer buffer = record == null ? null : record.registration(bufid);
            if (buffer != null && offset <= buffer.capacity() - length) {
                userAddress = buffer.userAddress() + offset;
            }
        }
        if (userAddress < 0) {
            throw new XenException(XenErrno.EFAULT, "0x" + Long.toHexString(ref) + "+" + extra + " (" + length
                    + " bytes) is not inside a buffer of process " + process.pid());
        }
        process.readMemory(userAddress, dst, dstOffset, length);
    }

    private static XenException inlineRefused(int op, String where, long word) {
        return new XenException(XenErrno.EPERM, (op >= 0 ? "hypercall " + op + ": " : "") + where
                + " is an inline reference 0x" + Long.toHexString(word) + "; only the kernel passes memory inline");
    }
}
