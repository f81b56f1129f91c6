package org.xencommlab.api.abi.codec;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.HypercallRequest;

/**
 * The codecs of one form, by request type and by view kind: how a strategy finds the code for a
 * hypercall without knowing the hypercall. Immutable once built.
 *
 * @param <C> the form's codec type
 */
public final class CodecRegistry<C extends FormCodec> {
    private final Map<Class<?>, C> byRequest;
    private final Map<ArgumentKind<?>, C> byKind;
    private final Map<Integer, C> byHypercall;
    private final Map<Integer, Integer> memoryArguments;

    private CodecRegistry(Map<Class<?>, C> byRequest, Map<ArgumentKind<?>, C> byKind, Map<Integer, C> byHypercall,
            Map<Integer, Integer> memoryArguments) {
        this.byRequest = Map.copyOf(byRequest);
        this.byKind = Map.copyOf(byKind);
        this.byHypercall = Map.copyOf(byHypercall);
        this.memoryArguments = Map.copyOf(memoryArguments);
    }

    /**
     * The codecs of type {@code form} among {@code abis}, each under its ABI's request types and kinds.
     *
     * @throws IllegalStateException when two codecs claim one request type or one kind, or one ABI has
     *     two codecs of this form
     */
    public static <C extends FormCodec> CodecRegistry<C> of(Class<C> form, List<? extends HypercallAbi> abis) {
        requireNonNull(form, "form is null");
        Map<Class<?>, C> byRequest = new HashMap<>();
        Map<ArgumentKind<?>, C> byKind = new HashMap<>();
        Map<Integer, C> byHypercall = new HashMap<>();
        Map<Integer, Integer> memoryArguments = new HashMap<>();
        for (HypercallAbi abi : abis) {
            C typed = null;
            for (FormCodec codec : abi.codecs()) {
                if (!form.isInstance(codec)) {
                    continue;
                }
                if (typed != null) {
                    throw new IllegalStateException(form.getSimpleName() + ": " + abi.name() + " has two codecs of this form");
                }
                typed = form.cast(codec);
            }
            if (typed == null) {
                continue;
            }
            for (Class<?> type : abi.requestTypes()) {
                if (byRequest.putIfAbsent(type, typed) != null) {
                    throw new IllegalStateException(form.getSimpleName() + ": two codecs encode " + type.getName());
                }
            }
            for (ArgumentKind<?> kind : abi.kinds()) {
                if (byKind.putIfAbsent(kind, typed) != null) {
                    throw new IllegalStateException(form.getSimpleName() + ": two codecs decode " + kind);
                }
            }
            if (abi.hypercall() >= 0) {
                if (byHypercall.putIfAbsent(abi.hypercall(), typed) != null) {
                    throw new IllegalStateException(form.getSimpleName() + ": two codecs for hypercall " + abi.hypercall());
                }
                memoryArguments.put(abi.hypercall(), abi.memoryArgument());
            }
        }
        return new CodecRegistry<>(byRequest, byKind, byHypercall, memoryArguments);
    }

    /**
     * The codec that encodes {@code request}.
     *
     * @throws IllegalArgumentException for a request type no codec of this form knows
     */
    public C encoder(HypercallRequest<?> request) {
        C codec = byRequest.get(request.getClass());
        if (codec == null) {
            throw new IllegalArgumentException("unknown request type " + request.getClass().getName());
        }
        return codec;
    }

    /** The codec of this form for calls of hypercall {@code op}, or empty if no ABI of this form describes it. */
    public Optional<C> forHypercall(long op) {
        return op < 0 || op > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(byHypercall.get((int) op));
    }

    /**
     * The argument word that names the memory of hypercall {@code op} ({@link HypercallAbi#memoryArgument}),
     * or -1 when it names none or no ABI of this form describes it.
     */
    public int memoryArgument(long op) {
        return op < 0 || op > Integer.MAX_VALUE ? -1 : memoryArguments.getOrDefault((int) op, -1);
    }

    /**
     * The codec that decodes {@code kind}.
     *
     * @throws IllegalArgumentException for a kind no codec of this form decodes
     */
    public C decoder(ArgumentKind<?> kind) {
        C codec = byKind.get(kind);
        if (codec == null) {
            throw new IllegalArgumentException("no decoder for " + kind);
        }
        return codec;
    }
}
