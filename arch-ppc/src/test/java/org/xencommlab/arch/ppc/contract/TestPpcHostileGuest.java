package org.xencommlab.arch.ppc.contract;

import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.arch.ppc.plugin.PpcArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;

/**
 * The hostile-guest kit against ppc: a seeded slice of {@code xencomm-lab fuzz} on a wired machine,
 * under every standard strategy and in each of the arch's variants, with no breach.
 */
final class TestPpcHostileGuest extends HostileGuestContract {
    @Override
    protected ArchPlugin archUnderTest() {
        return new PpcArchPlugin();
    }
}
