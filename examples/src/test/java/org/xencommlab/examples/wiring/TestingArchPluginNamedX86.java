package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;

/** An arch plugin for a test-made jar that takes the built-in arch's name, {@code x86}: a clash. */
public final class TestingArchPluginNamedX86 implements ArchPlugin {
    @Override
    public String name() {
        return "x86";
    }

    @Override
    public String description() {
        return "a second x86, which the lab must refuse";
    }

    @Override
    public PageSize pageSize() {
        return new PageSize(4096);
    }

    @Override
    public Module module(Parameters parameters) {
        return binder -> {};
    }
}
