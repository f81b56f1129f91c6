package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;

/**
 * What the cvm backend keeps in one guest kernel: its GHCB-like page, its bounce pool, and the
 * bounce mappings of its own hypercall blocks. Made by {@link CvmGuestXencomm#attachKernel} at
 * boot (it only keeps the kernel then); each process of the kernel gets a {@link CvmProcessState}
 * that links back to it.
 *
 * <p>Pool set-up (on first need, once): one page is converted to shared with the memory-less
 * single-page request (SNP's GHCB MSR protocol), then the pool's pages are converted in batches of
 * at most 253 entries whose descriptors are written into that page. Both are shared for the
 * kernel's whole life and marked reserved in {@link CvmMetrics#SHARED_PAGES}. Later conversions
 * put their descriptor in a one-slot bounce mapping (2032 bytes fit a 2048-byte slot), so no lock
 * is held across a hypercall. A conversion that fails leaves its pages' state unknown: the caller
 * leaks them (counted in {@link CvmMetrics#PAGES_LEAKED}).
 *
 * <p>Kernel blocks: {@link #kernelReference} maps a block into the pool (once per block) and names
 * the mapping; {@link #beforeKernelHypercall} copies the block in and, after the call, back;
 * {@link #releaseKernelBlock} unmaps it when the kernel frees the block.
 *
 * <p>At {@link #release} (the kernel shut down, every process gone) it refuses new processes with
 * ESRCH. The GHCB page and the pool stay shared: kernel memory held for the kernel's life stays
 * with the domain, whose destruction forgets every page state. Thread-safe.
 */
public final class CvmKernelState implements KernelXencomm {
    private final KernelServices kernel;
    private final CvmConfig config;
    private final Map<KernelBlock, BounceMapping> kernelMappings = new ConcurrentHashMap<>();
    /** Kernel blocks converted to shared for the kernel's life ({@link #keepReachable}): named in place, never bounced. */
    private final Set<KernelBlock> sharedBlocks = ConcurrentHashMap.newKeySet();
    private volatile BouncePool pool;
    private boolean booting;
    private boolean released;
    /** The GHCB-like page, once shared; kept so that a boot that failed later does not make another. */
    private KernelBlock ghcb;

    CvmKernelState(KernelServices kernel, CvmConfig config) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.config = requireNonNull(config, "config is null");
    }

    KernelServices kernel() {
        return kernel;
    }

    CvmConfig config() {
        return config;
    }

    /** A new process's state: no buffers yet. */
    @Override
    public CvmProcessState attachProcess(UserProcessServices process) {
        requireNonNull(process, "process is null");
        synchronized (this) {
            if (released) {
                throw new XenException(XenErrno.ESRCH, "kernel of domain " + kernel.domid() + " is shut down");
            }
        }
        return new CvmProcessState(this, process);
    }

    /** The guest-physical address of a bounce mapping that stands for {@code block} (ENOMEM if the pool is full). */
    @Override
    public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
        requireNonNull(block, "block is null");
        if (offset < 0 || length < 0 || (long) offset + length > block.length()) {
            throw new XenException(XenErrno.EINVAL, "range " + offset + "+" + length + " outside a block of " + block.length() + " bytes");
        }
        if (sharedBlocks.contains(block)) {
            return new MemoryReference(block.physicalAddress() + offset);
        }
        return new MemoryReference(kernelMapping(block).physicalAddress() + offset);
    }

    /**
     * Converts the block's pages to shared once (a page-state change; their contents are
     * scrubbed), so that it is named in place and never bounced: what a per-vCPU argument page
     * needs, as SEV-ES's GHCB is shared once at boot. The pages are held for the kernel's life
     * (reserved). If the conversion fails, the pages' state is unknown: they are counted as leaked
     * and the kernel must never free or reuse them (EFAULT or the hypervisor's errno).
     */
    @Override
    public void keepReachable(KernelBlock block) {
        requireNonNull(block, "block is null");
        if (sharedBlocks.contains(block)) {
            return;
        }
        long[] gfns = gfns(block);
        long result = convert(gfns, true);
        if (result < 0) {
            leaked(gfns.length);
            throw new XenException(XenErrno.fromResult(result).orElse(XenErrno.EFAULT), "converting a kernel block of " + gfns.length
                    + " pages to shared failed; its pages are leaked");
        }
        kernel.metrics().markReserved(CvmMetrics.SHARED_PAGES, gfns.length);
        sharedBlocks.add(block);
    }

    /** Copies the block into its bounce mapping, and back after the call; nothing for a block never named. */
    @Override
    public Runnable beforeKernelHypercall(KernelBlock block) {
        BounceMapping mapping = kernelMappings.get(block);
        if (mapping == null) {
            return () -> {};
        }
        bounce(block.physicalAddress(), mapping.physicalAddress(), block.length());
        return () -> bounce(mapping.physicalAddress(), block.physicalAddress(), block.length());
    }

    /** Unmaps the block's bounce mapping, if it has one. */
    @Override
    public void releaseKernelBlock(KernelBlock block) {
        BounceMapping m = kernelMappings.remove(block);
        if (m != null) {
            pool.unmap(m);
        }
    }

    @Override
    public synchronized void release() {
        released = true;
    }

    /** Whether the kernel shut down. */
    public synchronized boolean isReleased() {
        return released;
    }

    /** The GHCB page and the bounce pool, once made: both held for the kernel's life. */
    @Override
    public synchronized int kernelBlocksHeld() {
        return (ghcb != null ? 1 : 0) + (pool != null ? 1 : 0);
    }

    /** The bounce pool, made and converted on first use. */
    public BouncePool pool() {
        BouncePool p = pool;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (pool == null) {
                if (booting) {
                    throw new XenException(XenErrno.EAGAIN, "the bounce pool of domain " + kernel.domid() + " is being set up");
                }
                if (released) {
                    throw new XenException(XenErrno.ESRCH, "kernel of domain " + kernel.domid() + " is shut down");
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
                leaked(1);
                throw new XenException(errno(r), "could not share the GHCB page of domain " + kernel.domid() + "; the page is leaked");
            }
            ghcb = page;
            kernel.metrics().adjust(CvmMetrics.SHARED_PAGES, 1);
            kernel.metrics().markReserved(CvmMetrics.SHARED_PAGES, 1);
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
                leaked(gfns.length);
                throw new XenException(errno(result), "could not share the bounce pool of domain " + kernel.domid() + "; its " + gfns.length + " pages are leaked");
            }
        }
        kernel.metrics().adjust(CvmMetrics.SHARED_PAGES, gfns.length);
        kernel.metrics().markReserved(CvmMetrics.SHARED_PAGES, gfns.length);
        return new BouncePool(poolMemory, kernel.metrics());
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
        kernel.metrics().adjust(CvmMetrics.SHARED_PAGES, toShared ? gfns.length : -gfns.length);
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

    /** Copies {@code length} bytes of guest-physical memory from {@code from} to {@code to}: a kernel memcpy, counted as bounced. */
    void bounce(long from, long to, int length) {
        byte[] bytes = new byte[length];
        PhysicalCopy.read(kernel.physicalMemory(), from, bytes, 0, length);
        PhysicalCopy.write(kernel.physicalMemory(), to, bytes, 0, length);
        kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
        bounced(length);
    }

    /** {@code length} bytes were copied between private memory and the pool (the copy itself is counted where it ran). */
    void bounced(long length) {
        kernel.metrics().add(CvmMetrics.BYTES_BOUNCED, length);
    }

    /** {@code pages} pages whose conversion failed: never freed or reused. */
    void leaked(long pages) {
        kernel.metrics().add(CvmMetrics.PAGES_LEAKED, pages);
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
