package org.xencommlab.strategy.pointer.form;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

final class PointerHandleSitesProperties {
    private final PointerHandleSites finder = new PointerHandleSites();

    @Property(tries = 500)
    void randomMemoryNeverMakesItThrow(@ForAll @IntRange(max = 70) int op, @ForAll @Size(5) long[] args,
            @ForAll @Size(max = 256) byte[] memory) {
        // Every address reads from the random bytes, wrapping around.
        HandleSiteFinder.MemoryReader reader = (address, dst, dstOffset, length) -> {
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = memory.length == 0 ? 0 : memory[(int) Math.floorMod(address + i, (long) memory.length)];
            }
        };
        try {
            Optional<List<HandleSite>> sites = finder.find(op, args, reader);
            sites.ifPresent(list -> list.forEach(site -> {
                assertThat(site.length()).isBetween(0L, HandleSite.MAX_LENGTH);
                site.nested().forEach(n -> assertThat(n.length()).isBetween(0L, HandleSite.MAX_LENGTH));
            }));
        } catch (XenException refused) {
            assertThat(refused.errno()).isEqualTo(XenErrno.E2BIG);
        }
    }
}
