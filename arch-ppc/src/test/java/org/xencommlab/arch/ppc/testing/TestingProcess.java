package org.xencommlab.arch.ppc.testing;

import org.xencommlab.testkit.rig.KitProcess;

/**
 * The kit's user process ({@link KitProcess}) of a {@link TestingKernel}, except that it refuses
 * {@code mlock} and {@code munlock}: the ppc backend names scattered frames through registrations
 * and descriptors and must never lock a user's pages, so a call to either fails the test.
 */
public final class TestingProcess extends KitProcess {
    TestingProcess(TestingKernel kernel, int pid) {
        super(kernel, pid);
    }

    @Override
    public TestingKernel kernel() {
        return (TestingKernel) super.kernel();
    }

    @Override
    public void mlock(long address, long length) {
        throw new UnsupportedOperationException("ppc does not lock");
    }

    @Override
    public void munlock(long address, long length) {
        throw new UnsupportedOperationException("ppc does not lock");
    }
}
