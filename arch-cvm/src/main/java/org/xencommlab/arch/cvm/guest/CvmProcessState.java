package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.CvmConfig;

/**
 * What the cvm backend keeps for one process: the buffer APIs the process opened (with
 * {@code buffers=shared}, their shared buffers are what privcmd passes without a bounce), and a
 * typed link to its kernel's {@link CvmKernelState} (the bounce pool).
 *
 * <p>privcmd's {@link #prepareUserHypercall} rewrites every guest handle a tool wrote into a
 * guest-physical address the hypervisor can reach ({@link BouncePreparer}): a tool's handle is
 * always a user virtual address the kernel translates, so a word a tool writes never reaches the
 * hypervisor as it is. A kernel reference a tool writes (a guest-physical address of a bounce
 * mapping) is taken as a user address: EFAULT when the tool has nothing mapped there, and
 * otherwise it names the tool's own bytes, never kernel memory. A call the kernel cannot parse is
 * ENOSYS.
 *
 * <p>{@link #release} (after the process's clean-ups, before its address space goes) forgets the
 * buffer APIs and refuses new work with ESRCH; a shared buffer's frames go back (converted to
 * private and freed) when its mapping goes with the address space. Thread-safe.
 */
final class CvmProcessState implements ProcessXencomm {
    private final CvmKernelState kernelState;
    private final UserProcessServices process;
    private final List<CvmBufferApi> apis = new CopyOnWriteArrayList<>();
    private volatile boolean released;

    CvmProcessState(CvmKernelState kernelState, UserProcessServices process) {
        this.kernelState = requireNonNull(kernelState, "kernelState is null");
        this.process = requireNonNull(process, "process is null");
    }

    @Override
    public HypercallBufferApi openUserBuffers() {
        checkLive();
        kernelState.pool();
        CvmBufferApi api = new CvmBufferApi(process, kernelState, kernelState.config().buffers() == CvmConfig.BufferMode.SHARED);
        apis.add(api);
        return api;
    }

    @Override
    public PreparedHypercall prepareUserHypercall(int op, long[] args, HandleSiteFinder handles) {
        checkLive();
        return new BouncePreparer(process, kernelState, this::sharedPhysical).prepare(op, args, handles);
    }

    @Override
    public void release() {
        released = true;
        apis.clear();
    }

    private long sharedPhysical(long address, long length) {
        for (CvmBufferApi api : apis) {
            long gpa = api.sharedPhysical(address, length);
            if (gpa >= 0) {
                return gpa;
            }
        }
        return -1;
    }

    private void checkLive() {
        if (released) {
            throw new XenException(XenErrno.ESRCH, "pid " + process.pid() + " has exited");
        }
    }
}
