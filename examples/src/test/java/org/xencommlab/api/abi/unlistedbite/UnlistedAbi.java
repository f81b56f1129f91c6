package org.xencommlab.api.abi.unlistedbite;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.codec.FormCodec;
import org.xencommlab.api.abi.codec.HypercallAbi;

/**
 * Test fixture in an ABI package: a hypercall's ABI that the catalog does not list, so no strategy
 * would find its codecs; the registry-completeness rule forbids it (never production code).
 */
public final class UnlistedAbi implements HypercallAbi {
    @Override
    public String name() {
        return "unlisted";
    }

    @Override
    public int hypercall() {
        return 40;
    }

    @Override
    public int memoryArgument() {
        return -1;
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of();
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of();
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of();
    }
}
