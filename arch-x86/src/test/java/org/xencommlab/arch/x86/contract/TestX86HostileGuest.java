package org.xencommlab.arch.x86.contract;

import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.arch.x86.plugin.X86ArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;

/**
 * The hostile-guest kit against x86: a seeded slice of {@code xencomm-lab fuzz} on a wired machine,
 * under every standard strategy and in each of the arch's variants, with no breach.
 */
final class TestX86HostileGuest extends HostileGuestContract {
    @Override
    protected ArchPlugin archUnderTest() {
        return new X86ArchPlugin();
    }
}
