package org.xencommlab.examples.wiring;

import com.google.inject.Module;
import java.util.List;
import java.util.ServiceLoader;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.plugin.ArchPlugin;
import org.xencommlab.api.plugin.ParameterSpec;
import org.xencommlab.api.plugin.Parameters;

/**
 * An arch plugin for a plugin jar built at test time: the built-in {@code x86} under another name,
 * found through ServiceLoader like any plugin (it names no arch class), so that a jar from a
 * plugins folder can be shown running a real {@code compare}. It is listed in no services file of
 * the build.
 */
public final class TestingDelegatingArchPlugin implements ArchPlugin {
    private ArchPlugin x86() {
        return ServiceLoader.load(ArchPlugin.class, TestingDelegatingArchPlugin.class.getClassLoader()).stream()
                .filter(provider -> provider.type() != TestingDelegatingArchPlugin.class)
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.name().equals("x86"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no x86 arch to delegate to"));
    }

    @Override
    public String name() {
        return "testing-x86-twin";
    }

    @Override
    public String description() {
        return "x86 under another name, from a plugin jar made by a test";
    }

    @Override
    public PageSize pageSize() {
        return x86().pageSize();
    }

    @Override
    public List<ParameterSpec> parameters() {
        return x86().parameters();
    }

    @Override
    public Module module(Parameters parameters) {
        return x86().module(parameters);
    }
}
