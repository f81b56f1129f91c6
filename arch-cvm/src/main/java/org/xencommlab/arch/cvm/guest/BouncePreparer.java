package org.xencommlab.arch.cvm.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongBinaryOperator;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.PreparedHypercall;

/**
 * privcmd on a cvm guest, for one hypercall: every guest handle the {@link HandleSiteFinder} finds
 * becomes a guest-physical address the hypervisor can reach.
 * <ul>
 *   <li>a range inside one of the process's shared buffers ({@code buffers=shared}): the buffer's
 *       own frames, no copy;</li>
 *   <li>anything else: a bounce mapping; the user's bytes are copied in before the call and the
 *       whole mapping copied back after it (Linux's bidirectional DMA mapping), except the fields
 *       that hold nested handles, which keep the user's own pointers;</li>
 *   <li>NULL or empty handles stay 0; an unknown hypercall is ENOSYS (the kernel cannot bounce
 *       memory it does not know); a handle outside user space is EFAULT.</li>
 * </ul>
 * A failure (pool full: ENOMEM; a mapping above 256 KiB: E2BIG) undoes everything done so far.
 */
final class BouncePreparer {
    private final UserProcessServices process;
    private final CvmKernelState cvm;
    private final LongBinaryOperator sharedLookup;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<Runnable> copyBacks = new ArrayList<>();

    /** {@code sharedLookup(address, length)}: the guest-physical address in a shared buffer, or -1. */
    BouncePreparer(UserProcessServices process, CvmKernelState cvm, LongBinaryOperator sharedLookup) {
        this.process = process;
        this.cvm = cvm;
        this.sharedLookup = sharedLookup;
    }

    PreparedHypercall prepare(int op, long[] args, HandleSiteFinder finder) {
        Optional<List<HandleSite>> known = finder.find(op, args.clone(), process::readMemory);
        if (known.isEmpty()) {
            throw new XenException(XenErrno.ENOSYS, "hypercall " + op + " is not known to the bounce path");
        }
        long[] rewritten = args.clone();
        try {
            for (HandleSite site : known.get()) {
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
        if (!process.kernel().layout().isUserRange(address, length)) {
            throw new XenException(XenErrno.EFAULT, "handle 0x" + Long.toHexString(address) + "+" + length + " outside user space");
        }
        if (site.nested().isEmpty()) {
            long shared = sharedLookup.applyAsLong(address, length);
            if (shared >= 0) {
                return shared;
            }
        }
        BouncePool pool = cvm.pool();
        BounceMapping mapping = pool.map(length);
        undo.push(() -> pool.unmap(mapping));
        process.copyFromUser(address, mapping.block(), 0, length);
        cvm.bounced(length);
        if (site.nested().isEmpty()) {
            copyBacks.add(() -> {
                process.copyToUser(mapping.block(), 0, address, length);
                cvm.bounced(length);
            });
            return mapping.physicalAddress();
        }
        byte[] original = new byte[length];
        PhysicalCopy.read(process.kernel().physicalMemory(), mapping.physicalAddress(), original, 0, length);
        byte[] sent = original.clone();
        ByteBuffer fields = ByteBuffer.wrap(sent).order(ByteOrder.LITTLE_ENDIAN);
        for (HandleSite child : site.nested()) {
            long offset = child.fieldOffset();
            if (offset < 0 || offset > length - Long.BYTES) {
                throw new XenException(XenErrno.EFAULT, "nested handle at " + offset + " outside a structure of " + length);
            }
            fields.putLong((int) offset, map(fields.getLong((int) offset), child));
        }
        PhysicalCopy.write(process.kernel().physicalMemory(), mapping.physicalAddress(), sent, 0, length);
        copyBacks.add(() -> {
            byte[] after = new byte[length];
            PhysicalCopy.read(process.kernel().physicalMemory(), mapping.physicalAddress(), after, 0, length);
            for (HandleSite child : site.nested()) {
                System.arraycopy(original, (int) child.fieldOffset(), after, (int) child.fieldOffset(), Long.BYTES);
            }
            PhysicalCopy.write(process.kernel().physicalMemory(), mapping.physicalAddress(), after, 0, length);
            process.copyToUser(mapping.block(), 0, address, length);
            cvm.bounced(length);
        });
        return mapping.physicalAddress();
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
