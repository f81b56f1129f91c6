package org.xencommlab.api.abi.catalog;

import java.util.List;
import org.xencommlab.api.abi.codec.HypercallAbi;
import org.xencommlab.api.abi.codec.PlainCallAbi;
import org.xencommlab.api.abi.console.ConsoleIoAbi;
import org.xencommlab.api.abi.dmop.DmOpAbi;
import org.xencommlab.api.abi.memory.MemoryOpAbi;
import org.xencommlab.api.abi.multicall.MulticallAbi;
import org.xencommlab.api.abi.sysctl.SysctlAbi;
import org.xencommlab.api.abi.xenversion.XenVersionAbi;

/**
 * Every modelled hypercall's ABI, the one list a strategy builds its
 * {@link org.xencommlab.api.abi.codec.CodecRegistry} from. It sits above the per-hypercall
 * packages (as {@link AbiCatalog} does), so they never depend on each other or on it. Adding a
 * hypercall adds its package and one entry here.
 */
public final class HypercallAbis {
    private static final List<HypercallAbi> ALL = List.of(new PlainCallAbi(), new MemoryOpAbi(), new MulticallAbi(), new ConsoleIoAbi(),
            new SysctlAbi(), new DmOpAbi(), new XenVersionAbi());

    private HypercallAbis() {}

    /** Every hypercall ABI, in a fixed order. */
    public static List<HypercallAbi> all() {
        return ALL;
    }
}
