package org.xencommlab.arch.cvm.testing;

import org.xencommlab.testkit.rig.KitProcess;

/**
 * The kit's user process ({@link KitProcess}) of a {@link TestingCvm}'s kernel, except that it
 * refuses {@code mlock}, {@code munlock} and pinning: the cvm backend bounces a tool's memory or
 * maps shared kernel frames into it and must never lock or pin a user's pages, so a call to any of
 * them fails the test. User addresses start at {@code pid << 32} above the layout's user start, far
 * above the machine's guest-physical addresses, so a guest-physical address a test passes as a user
 * address names nothing.
 */
public final class TestingCvmProcess extends KitProcess {
    TestingCvmProcess(TestingCvm.Kernel kernel, int pid) {
        super(kernel, pid);
    }

    @Override
    public TestingCvm.Kernel kernel() {
        return (TestingCvm.Kernel) super.kernel();
    }

    @Override
    public void mlock(long address, long length) {
        throw new UnsupportedOperationException("cvm does not lock");
    }

    @Override
    public void munlock(long address, long length) {
        throw new UnsupportedOperationException("cvm does not lock");
    }

    @Override
    public long[] pinUserPages(long address, int nrPages) {
        throw new UnsupportedOperationException("cvm does not pin");
    }

    @Override
    public void unpinUserPages(long[] gfns) {
        throw new UnsupportedOperationException("cvm does not pin");
    }
}
