package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.counts.CvmCounts;
import org.xencommlab.arch.cvm.psc.PageStateChange;

/**
 * What a cvm guest kernel keeps for talking to the hypervisor: its GHCB-like page, its bounce
 * pool, and the bounce mappings of its own hypercall blocks.
 *
 * <p>Boot (on first need, once): one page is converted to shared with the memory-less single-page
 * request (SNP's GHCB MSR protocol), then the pool's pages are converted in batches of at most 253
 * entries whose descriptors are written into that page. Later conversions put their descriptor in
 * a one-slot bounce mapping (2032 bytes fit a 2048-byte slot), so no lock is held across a
 * hypercall. A conversion that fails leaves its pages' state unknown: the caller leaks them.
 */
final class CvmKernel {
    private final KernelServices kernel;
    private final CvmConfig config;
    private final CvmCounts counts;
    private final Map<KernelBlock, BounceMapping> kernelMappings = new ConcurrentHashMap<>();
    private volatile BouncePool pool;
    private boolean booting;
    /** The GHCB-like page, once shared; kept so that a boot that failed later does not make another. */
    private KernelBlock ghcb;

    CvmKernel(KernelServices kernel, CvmConfig config, CvmCounts counts) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.config = requireNonNull(config, "config is null");
        this.counts = requireNonNull(counts, "counts is null");
    }

    KernelServices kernel() {
        return kernel;
    }

    CvmCounts counts() {
        return counts;
    }

    /** The bounce pool, made and converted on first use. */
    BouncePool pool() {
        BouncePool p = pool;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (pool == null) {
                if (booting) {
                    throw new XenException(XenErrno.EAGAIN, "the bounce pool of domain " + kernel.domid() + " is being set up");
                }
                booting = true;
                try {
                    pool = boot();
                } finally {
                    booting = false;
                }
            }
            return pool;
        }
    }

    private BouncePool boot() {
        if (ghcb == null) {
            KernelBlock page = kernel.allocateContiguous(1);
            long gfn = page.physicalAddress() >>> kernel.pageSize().shift();
            long r = kernel.hypercall(PageStateChange.HYPERCALL, PageStateChange.SUB_OP_PSC_MSR, gfn, PageStateChange.OP_SHARED);
            if (r < 0) {
                counts.pagesLeaked(1);
                throw new XenException(errno(r), "could not share the GHCB page of domain " + kernel.domid() + "; the page is leaked");
            }
            ghcb = page;
        }
        KernelBlock poolMemory;
        try {
            poolMemory = kernel.allocateContiguous(config.bouncePages());
        } catch (XenException e) {
            throw new XenException(XenErrno.ENOMEM, "no room for a bounce pool of " + config.bouncePages() + " pages in domain " + kernel.domid());
        }
        long[] gfns = gfns(poolMemory);
        for (List<PageStateChange.PscEntry> batch : PageStateChange.batches(gfns, PageStateChange.OP_SHARED)) {
            byte[] desc = PageStateChange.encode(batch);
            PhysicalCopy.write(kernel.physicalMemory(), ghcb.physicalAddress(), desc, 0, desc.length);
            long result = kernel.hypercall(PageStateChange.HYPERCALL, PageStateChange.SUB_OP_PSC, ghcb.physicalAddress());
            if (result < 0) {
                counts.pagesLeaked(gfns.length);
                throw new XenException(errno(result), "could not share the bounce pool of domain " + kernel.domid() + "; its " + gfns.length + " pages are leaked");
            }
        }
        return new BouncePool(poolMemory, counts);
    }

    /**
     * Converts {@code gfns} to shared or back to private. Returns 0, or the negative errno of the
     * first batch that failed (then the state of every page in {@code gfns} is unknown: the caller
     * must leak them).
     */
    long convert(long[] gfns, boolean toShared) {
        BouncePool p = pool();
        int op = toShared ? PageStateChange.OP_SHARED : PageStateChange.OP_PRIVATE;
        for (List<PageStateChange.PscEntry> batch : PageStateChange.batches(gfns, op)) {
            byte[] desc = PageStateChange.encode(batch);
            BounceMapping slot;
            try {
                slot = p.map(desc.length);
            } catch (XenException e) {
                return e.asResult();
            }
            try {
                PhysicalCopy.write(kernel.physicalMemory(), slot.physicalAddress(), desc, 0, desc.length);
                long result = kernel.hypercall(PageStateChange.HYPERCALL, PageStateChange.SUB_OP_PSC, slot.physicalAddress());
                if (result < 0) {
                    return result;
                }
            } finally {
                p.unmap(slot);
            }
        }
        return 0;
    }

    /** The bounce mapping standing for kernel block {@code block} in hypercalls (made on first request). */
    BounceMapping kernelMapping(KernelBlock block) {
        BounceMapping m = kernelMappings.get(block);
        if (m != null) {
            return m;
        }
        BounceMapping made = pool().map(block.length());
        BounceMapping raced = kernelMappings.putIfAbsent(block, made);
        if (raced != null) {
            pool().unmap(made);
            return raced;
        }
        return made;
    }

    BounceMapping existingKernelMapping(KernelBlock block) {
        return kernelMappings.get(block);
    }

    void releaseKernelMapping(KernelBlock block) {
        BounceMapping m = kernelMappings.remove(block);
        if (m != null) {
            pool.unmap(m);
        }
    }

    /** Copies {@code length} bytes of guest-physical memory from {@code from} to {@code to}, counting them as bounced. */
    void bounce(long from, long to, int length) {
        byte[] bytes = new byte[length];
        PhysicalCopy.read(kernel.physicalMemory(), from, bytes, 0, length);
        PhysicalCopy.write(kernel.physicalMemory(), to, bytes, 0, length);
        counts.bytesBounced(length);
    }

    long[] gfns(KernelBlock block) {
        int shift = kernel.pageSize().shift();
        int pages = (int) kernel.pageSize().pagesSpanned(block.physicalAddress(), block.length());
        long[] gfns = new long[pages];
        for (int i = 0; i < pages; i++) {
            gfns[i] = (block.physicalAddress() >>> shift) + i;
        }
        return gfns;
    }

    static XenErrno errno(long result) {
        return XenErrno.fromResult(result).orElse(XenErrno.EIO);
    }
}
