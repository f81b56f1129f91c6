package org.xencommlab.strategy.embedded.plugin;

import org.xencommlab.strategy.embedded.form.EmbeddedStrategy;
import java.util.List;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.abi.StrategyPlugin;

/**
 * The plugin of the {@code embedded} strategy. Parameter {@code max-block}: the largest block in
 * bytes, header included, a multiple of 8 from 256 to 1048576; default 4096 (one page).
 */
public final class EmbeddedStrategyPlugin implements StrategyPlugin {
    public static final String MAX_BLOCK = "max-block";

    @Override
    public String name() {
        return EmbeddedStrategy.NAME;
    }

    @Override
    public String description() {
        return "no pointers: each hypercall's data in one contiguous block of bounded size; larger requests are split";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number(MAX_BLOCK, EmbeddedBlockHeader.DEFAULT_MAX_BLOCK, 256, 1 << 20,
                "largest embedded block in bytes, header included (a multiple of 8)"));
    }

    /**
     * @throws IllegalArgumentException when {@code max-block} is out of range
     */
    @Override
    public ArgumentStrategy create(Parameters parameters) {
        return new EmbeddedStrategy(EmbeddedBlockHeader.checkMaxBlock(parameters.getLong(MAX_BLOCK)));
    }
}
