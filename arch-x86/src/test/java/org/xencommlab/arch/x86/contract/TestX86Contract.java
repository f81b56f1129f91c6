package org.xencommlab.arch.x86.contract;

import org.junit.jupiter.api.Nested;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.testing.X86Rig;
import org.xencommlab.testkit.arch.ArchContract;
import org.xencommlab.testkit.arch.ArchRig;

/** The kit's arch contract, run against the x86 backend: mlocked page-aligned buffers, and each other buffer source. */
final class TestX86Contract extends ArchContract {
    @Override
    protected ArchRig rig() {
        return new X86Rig(X86BufferConfig.defaults());
    }

    @Nested
    final class PackedBuffers extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new X86Rig(new X86BufferConfig(X86BufferConfig.Buffers.MLOCK, X86BufferConfig.Alignment.NONE, X86BufferConfig.DEFAULT_DEVICE_LIMIT_PAGES));
        }
    }

    @Nested
    final class DeviceBuffers extends ArchContract {
        @Override
        protected ArchRig rig() {
            return new X86Rig(new X86BufferConfig(X86BufferConfig.Buffers.DEVICE, X86BufferConfig.Alignment.PAGE, X86BufferConfig.DEFAULT_DEVICE_LIMIT_PAGES));
        }
    }
}
