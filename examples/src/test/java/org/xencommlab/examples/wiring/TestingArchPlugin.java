package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.Parameters;

/**
 * An arch plugin that exists only on a test class path, to show that a plugin added to the class
 * path appears in the lab with no other change. It is deliberately not listed in any
 * {@code META-INF/services} file of the build; the test lists it in a directory of its own.
 */
public final class TestingArchPlugin implements ArchPlugin {
    @Override
    public String name() {
        return "testing-16k";
    }

    @Override
    public String description() {
        return "a third arch with 16 KiB pages, known only to a test";
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
