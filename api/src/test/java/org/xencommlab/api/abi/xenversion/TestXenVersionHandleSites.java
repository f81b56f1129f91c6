package org.xencommlab.api.abi.xenversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.FlatGuest;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/** xen_version names a buffer only for the commands that fill one, of the size Xen writes. */
class TestXenVersionHandleSites {
    private final XenVersionAbi.Pointer pointer = new XenVersionAbi.Pointer();
    private final HandleSiteFinder.MemoryReader reader = new FlatGuest(16).reader();

    @Test
    void theAbiDeclaresItsHypercallAndWordOnly() {
        XenVersionAbi abi = new XenVersionAbi();
        assertThat(abi.name()).isEqualTo("xen_version");
        assertThat(abi.hypercall()).isEqualTo(HypercallNumber.XEN_VERSION);
        assertThat(abi.memoryArgument()).isEqualTo(1);
        assertThat(abi.requestTypes()).isEmpty();
        assertThat(abi.kinds()).isEmpty();
        assertThat(abi.codecs()).singleElement().isInstanceOf(XenVersionAbi.Pointer.class);
    }

    @Test
    void extraversionAndCapabilitiesNameTheirBuffers() {
        assertThat(pointer.handleSites(new long[] {SubOps.XenVersion.EXTRAVERSION, 0x1000}, reader, HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(1, SubOps.XenVersion.EXTRAVERSION_LENGTH, List.of())));
        assertThat(pointer.handleSites(new long[] {SubOps.XenVersion.CAPABILITIES, 0x1000}, reader, HandleSiteFinder.NONE))
                .contains(List.of(HandleSite.argument(1, SubOps.XenVersion.CAPABILITIES_LENGTH, List.of())));
        assertThat(pointer.handleSites(new long[] {0x1_0000_0000L + SubOps.XenVersion.EXTRAVERSION, 0x1000}, reader, HandleSiteFinder.NONE))
                .as("cmd is an unsigned int").contains(List.of(HandleSite.argument(1, SubOps.XenVersion.EXTRAVERSION_LENGTH, List.of())));
    }

    @Test
    void otherCommandsNameNone() {
        for (long cmd : new long[] {SubOps.XenVersion.VERSION, SubOps.XenVersion.PAGESIZE, 2, -1}) {
            assertThat(pointer.handleSites(new long[] {cmd, 0x1000}, reader, HandleSiteFinder.NONE)).contains(List.of());
        }
    }

    @Test
    void itHasNoRequestAndNoView() {
        PlainCall call = PlainCall.of(HypercallNumber.XEN_VERSION, 0);
        assertThatThrownBy(() -> pointer.measure(call, new PlacementSize(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pointer.prepare(null, call, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pointer.decode(null, null, new long[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
