package org.xencommlab.arch.cvm.contract;

import org.junit.jupiter.api.Nested;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.testing.CvmRig;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;

/** The kit's arch contract, run against the cvm backend: buffers bounced through the pool, and shared buffers. */
final class TestCvmContract extends ArchContract {
    @Override
    protected ArchRig rig() {
        return new CvmRig(CvmConfig.defaults());
    }

    @Nested
    final class SharedBuffers extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new CvmRig(new CvmConfig(CvmConfig.BufferMode.SHARED, CvmConfig.DEFAULT_BOUNCE_PAGES));
        }
    }
}
