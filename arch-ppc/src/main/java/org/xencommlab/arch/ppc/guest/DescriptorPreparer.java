package org.xencommlab.arch.ppc.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.arch.ppc.descriptor.XencommDescriptor;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The kernel's privcmd path in descriptor mode, for one hypercall (Linux's {@code xencomm_map}
 * and its per-hypercall whitelist):
 * <ul>
 *   <li>a hypercall the {@link HandleSiteFinder} does not know is ENOSYS (EPERM if one of its
 *       words carries the inline flag: {@link UserReferenceGuard#refuseInlineWords});</li>
 *   <li>a known handle with the inline flag set is not a user address: EFAULT, as any address
 *       outside user space;</li>
 *   <li>a user buffer with no handles inside: its pages are pinned for the call and a xencomm
 *       descriptor naming each page piece is built in kmalloc'd memory, as Linux's
 *       {@code xencomm_map} builds it (drivers/xen/xencomm.c {@code xencomm_alloc} and
 *       {@code xencomm_init}): {@code nr_addrs = ((buffer + bytes) | ~PAGE_MASK) - (buffer &
 *       PAGE_MASK) + 1 >> PAGE_SHIFT}, which is one entry more than the pages spanned when the
 *       buffer ends exactly on a page boundary; entries beyond the buffer's pieces are
 *       {@code XENCOMM_INVALID}. The 3-entry mini descriptor of {@code xencomm_map_no_alloc} is for
 *       kernel callers only (on the stack), never for privcmd, so it is not used here; the handle
 *       becomes the descriptor's guest-physical address;</li>
 *   <li>a user structure holding handles: copied into kernel memory, its nested handles rewritten
 *       the same way (recursively), and the handle becomes an inline reference to the copy; on
 *       completion the bytes the hypervisor changed in the copy are copied back to the user (handle
 *       fields excepted, so the user keeps its own pointers);</li>
 *   <li>a range inside one of the process's device mappings: physically contiguous kernel memory,
 *       passed inline;</li>
 *   <li>NULL or empty handles stay 0.</li>
 * </ul>
 * A failure undoes everything done so far. The completion runs once: copies back, frees
 * descriptors and copies, unpins.
 */
final class DescriptorPreparer {
    private final UserProcessServices process;
    private final KernelServices kernel;
    private final GuestPhysicalMemory memory;
    private final PageSize pageSize;
    private final ProcessRecord record;
    private final ByteOrder order;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<Runnable> copyBacks = new ArrayList<>();

    DescriptorPreparer(UserProcessServices process, ProcessRecord record, ByteOrder order) {
        this.process = process;
        this.kernel = process.kernel();
        this.memory = kernel.physicalMemory();
        this.pageSize = kernel.pageSize();
        this.record = record;
        this.order = order;
    }

    PreparedHypercall prepare(int op, long[] args, HandleSiteFinder finder) {
        Optional<List<HandleSite>> known = finder.find(op, args.clone(), process::readMemory);
        if (known.isEmpty()) {
            UserReferenceGuard.refuseInlineWords(op, args); // EPERM before ENOSYS, as in registration mode
            throw new XenException(XenErrno.ENOSYS, "hypercall " + op + " is not known to the xencomm whitelist");
        }
        List<HandleSite> sites = known.get();
        long[] rewritten = args.clone();
        try {
            for (HandleSite site : sites) {
                int index = site.argIndex();
                if (index < 0 || index >= args.length) {
                    throw new XenException(XenErrno.EINVAL, "handle in argument " + index + " of " + args.length);
                }
                rewritten[index] = map(args[index], site);
            }
        } catch (RuntimeException e) {
            releaseAll();
            throw e;
        }
        AtomicBoolean completed = new AtomicBoolean();
        return new PreparedHypercall(rewritten, () -> {
            if (completed.compareAndSet(false, true)) {
                complete();
            }
        });
    }

    private long map(long address, HandleSite site) {
        if (address == 0 || site.length() == 0) {
            return 0;
        }
        if (site.length() > Integer.MAX_VALUE) {
            throw new XenException(XenErrno.E2BIG, "handle of " + site.length() + " bytes");
        }
        int length = (int) site.length();
        if (site.nested().isEmpty() && record != null) {
            long physical = record.devicePhysical(address, length);
            if (physical >= 0) {
                return PpcMemref.inline(physical);
            }
        }
        if (!kernel.layout().isUserRange(address, length)) {
            throw new XenException(XenErrno.EFAULT, "handle 0x" + Long.toHexString(address) + "+" + length + " outside user space");
        }
        return site.nested().isEmpty() ? describe(address, length) : copyStructure(address, length, site.nested());
    }

    private long describe(long address, int length) {
        long pages = pageSize.pagesSpanned(address, length);
        // Linux's count: one more entry when the buffer ends exactly on a page boundary.
        long nrAddrs = pages + (pageSize.offsetIn(address + length) == 0 ? 1 : 0);
        if (nrAddrs > XencommDescriptor.MAX_ADDRS) {
            throw new XenException(XenErrno.E2BIG, "buffer of " + pages + " pages exceeds a descriptor");
        }
        long[] gfns = process.pinUserPages(pageSize.roundDown(address), (int) pages);
        undo.push(() -> process.unpinUserPages(gfns));
        long[] pieces = new long[gfns.length];
        for (int i = 0; i < gfns.length; i++) {
            pieces[i] = pageSize.addressOf(gfns[i]) + (i == 0 ? pageSize.offsetIn(address) : 0);
        }
        return buildDescriptor(pieces, XencommDescriptor.linuxNrAddrs(address, length, pageSize.shift()));
    }

    private long buildDescriptor(long[] pieces, int nrAddrs) {
        int alignment = XencommDescriptor.ALIGNMENT;
        byte[] bytes = XencommDescriptor.encode(pieces, nrAddrs);
        KernelBlock block = kernel.kmalloc(bytes.length + alignment);
        undo.push(() -> kernel.kfree(block));
        long at = (block.physicalAddress() + alignment - 1) & -alignment;
        PhysicalBytes.write(memory, at, bytes, 0, bytes.length);
        kernel.metrics().increment(PpcMetrics.DESCRIPTORS);
        kernel.metrics().add(PpcMetrics.DESCRIPTOR_ENTRIES, nrAddrs);
        return at;
    }

    private long copyStructure(long address, int length, List<HandleSite> nested) {
        KernelBlock block = kernel.kmalloc(length);
        undo.push(() -> kernel.kfree(block));
        process.copyFromUser(address, block, 0, length);
        byte[] original = new byte[length];
        PhysicalBytes.read(memory, block.physicalAddress(), original, 0, length);
        byte[] sent = original.clone();
        ByteBuffer fields = ByteBuffer.wrap(sent).order(order);
        for (HandleSite child : nested) {
            long offset = child.fieldOffset();
            if (offset < 0 || offset > length - Long.BYTES) {
                throw new XenException(XenErrno.EFAULT, "nested handle at " + offset + " outside a structure of " + length);
            }
            fields.putLong((int) offset, map(fields.getLong((int) offset), child));
        }
        PhysicalBytes.write(memory, block.physicalAddress(), sent, 0, length);
        copyBacks.add(() -> copyBack(address, block, sent, nested));
        return PpcMemref.inline(block.physicalAddress());
    }

    // Copies back the bytes the hypervisor changed, never the rewritten handle fields.
    private void copyBack(long address, KernelBlock block, byte[] sent, List<HandleSite> nested) {
        byte[] after = new byte[sent.length];
        PhysicalBytes.read(memory, block.physicalAddress(), after, 0, after.length);
        for (HandleSite child : nested) {
            System.arraycopy(sent, (int) child.fieldOffset(), after, (int) child.fieldOffset(), Long.BYTES);
        }
        int i = 0;
        while (i < after.length) {
            if (after[i] == sent[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < after.length && after[i] != sent[i]) {
                i++;
            }
            process.copyToUser(block, start, address + start, i - start);
        }
    }

    private void complete() {
        XenException failure = null;
        for (Runnable copyBack : copyBacks) {
            try {
                copyBack.run();
            } catch (XenException e) {
                failure = failure == null ? e : failure;
            }
        }
        releaseAll();
        if (failure != null) {
            throw failure;
        }
    }

    private void releaseAll() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }
}
