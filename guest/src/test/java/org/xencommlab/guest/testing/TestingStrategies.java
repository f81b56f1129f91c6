package org.xencommlab.guest.testing;

import java.util.Map;
import java.util.stream.Stream;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.strategy.embedded.plugin.EmbeddedStrategyPlugin;
import org.xencommlab.strategy.pointer.plugin.PointerStrategyPlugin;
import org.xencommlab.api.plugin.Parameters;

/** The strategies a guest test runs in, made by their plugins as the composition root makes them. */
public final class TestingStrategies {
    /** The smallest block the embedded strategy allows: splits show up with small requests. */
    public static final int SMALL_BLOCK = 256;

    private TestingStrategies() {}

    public static ArgumentStrategy pointer() {
        return new PointerStrategyPlugin().create(Parameters.none());
    }

    public static ArgumentStrategy embedded(int maxBlock) {
        EmbeddedStrategyPlugin plugin = new EmbeddedStrategyPlugin();
        return plugin.create(Parameters.of(plugin.parameters(), Map.of(EmbeddedStrategyPlugin.MAX_BLOCK, Integer.toString(maxBlock))));
    }

    public static ArgumentStrategy embedded() {
        EmbeddedStrategyPlugin plugin = new EmbeddedStrategyPlugin();
        return plugin.create(Parameters.of(plugin.parameters(), Map.of()));
    }

    /** Pointer, embedded with its default block, embedded with the smallest block. */
    public static Stream<ArgumentStrategy> all() {
        return Stream.of(pointer(), embedded(), embedded(SMALL_BLOCK));
    }
}
