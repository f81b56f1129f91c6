package org.example.xencomm.phys;

import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.hostile.contract.HostileGuestContract;

/**
 * The hostile-guest kit on this arch: a seeded slice of the lab's fuzzer on a whole machine, under
 * every standard strategy and in each variant of the arch, with no breach. A breach fails with the
 * seed and the shrunk call sequence that reproduces it.
 */
final class TestPhysHostileGuest extends HostileGuestContract {
    @Override
    protected ArchPlugin archUnderTest() {
        return new PhysArchPlugin();
    }
}
