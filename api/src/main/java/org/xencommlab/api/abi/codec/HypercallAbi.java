package org.xencommlab.api.abi.codec;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;

/**
 * Everything one hypercall package contributes to the strategies: which request types and view
 * kinds it has, and its codec in each form it knows. A strategy builds its {@link CodecRegistry}
 * from all of them, so adding a hypercall means adding its package (layouts, request and view
 * types, codecs, this entry) and a handler; no strategy and no SPI method changes.
 *
 * <p>An implementation must guarantee that its codecs are stateless; that each of them encodes
 * every type in {@link #requestTypes} and decodes every kind in {@link #kinds}; and that no two
 * hypercall ABIs list the same request type or view kind.
 */
public interface HypercallAbi {
    /** The hypercall's name ({@code memory_op}), for messages. */
    String name();

    /**
     * The hypercall number ({@link org.xencommlab.api.hypercall.HypercallNumber}) whose calls this
     * ABI describes, or -1 for one that stands for no single hypercall (plain calls). No two ABIs
     * name the same number.
     */
    int hypercall();

    /**
     * The argument word that names this hypercall's memory, the same in every form: the handle of
     * its structure or array in the pointer form, its block's reference in the embedded form; -1
     * when its calls name no memory. Declared here once: the pointer form's handle sites and the
     * embedded form's kernel side both read it through the registry
     * ({@link CodecRegistry#memoryArgument}).
     */
    int memoryArgument();

    /** The request classes its codecs encode (exact classes; requests are final records), the same in every form. */
    List<Class<?>> requestTypes();

    /** The views its codecs decode, the same in every form. */
    List<ArgumentKind<?>> kinds();

    /** Its codecs, at most one per form. */
    List<FormCodec> codecs();
}
