package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;

/**
 * An arch plugin for a test-made jar with the name of {@link TestingArchPlugin} but another class:
 * two plugin jars with one name, which the lab must refuse.
 */
public final class TestingArchPluginTwin implements ArchPlugin {
    @Override
    public String name() {
        return "testing-16k";
    }

    @Override
    public String description() {
        return "a second testing-16k";
    }

    @Override
    public PageSize pageSize() {
        return new PageSize(16 * 1024);
    }

    @Override
    public Module module(Parameters parameters) {
        return binder -> {};
    }
}
