package org.xencommlab.arch.cvm.contract;

import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.arch.cvm.plugin.CvmArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;

/**
 * The hostile-guest kit against cvm: a seeded slice of {@code xencomm-lab fuzz} on a wired machine,
 * under every standard strategy and in each of the arch's variants, with no breach.
 */
final class TestCvmHostileGuest extends HostileGuestContract {
    @Override
    protected ArchPlugin archUnderTest() {
        return new CvmArchPlugin();
    }
}
