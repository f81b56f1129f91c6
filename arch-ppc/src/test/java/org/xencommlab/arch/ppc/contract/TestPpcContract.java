package org.xencommlab.arch.ppc.contract;

import org.junit.jupiter.api.Nested;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.testing.PpcRig;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;

/** The kit's arch contract, run against the ppc backend: registered user buffers, and each other mode and buffer source. */
final class TestPpcContract extends ArchContract {
    @Override
    protected ArchRig rig() {
        return new PpcRig(PpcConfig.defaults());
    }

    @Nested
    final class RegisteredDeviceArea extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new PpcRig(PpcConfig.defaults().withBuffers(PpcConfig.BufferSource.DEVICE));
        }
    }

    @Nested
    final class Descriptors extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new PpcRig(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR));
        }
    }

    @Nested
    final class DescriptorsOverTheDeviceArea extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new PpcRig(PpcConfig.defaults().withMode(PpcConfig.Mode.DESCRIPTOR).withBuffers(PpcConfig.BufferSource.DEVICE));
        }
    }
}
