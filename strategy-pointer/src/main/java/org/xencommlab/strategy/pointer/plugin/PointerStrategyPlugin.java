package org.xencommlab.strategy.pointer.plugin;

import org.xencommlab.strategy.pointer.form.PointerStrategy;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.abi.StrategyPlugin;

/** The plugin of the {@code pointer} strategy; it takes no parameters. */
public final class PointerStrategyPlugin implements StrategyPlugin {
    @Override
    public String name() {
        return PointerStrategy.NAME;
    }

    @Override
    public String description() {
        return "structures hold guest handles to their arrays, as in Xen's public headers (x86-64 layout)";
    }

    @Override
    public ArgumentStrategy create(Parameters parameters) {
        return new PointerStrategy();
    }
}
