package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;

/** An arch plugin for a test-made jar whose constructor fails, as a plugin's own bug would. */
public final class TestingBrokenArchPlugin implements ArchPlugin {
    public TestingBrokenArchPlugin() {
        throw new IllegalStateException("broken on purpose");
    }

    @Override
    public String name() {
        return "testing-broken";
    }

    @Override
    public String description() {
        return "never made";
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
