package org.xencommlab.api.abi.codec;

import java.util.List;

/**
 * Everything one hypercall package contributes to the strategies: its codec in each form it
 * knows. A strategy builds its {@link CodecRegistry} from all of them, so adding a hypercall means
 * adding its package (layouts, request and view types, codecs, this entry) and a handler; no
 * strategy and no SPI method changes.
 *
 * <p>An implementation must guarantee that its codecs are stateless, and that no two hypercall
 * ABIs list the same request type or view kind in the same form.
 */
public interface HypercallAbi {
    /** The hypercall's name ({@code memory_op}), for messages. */
    String name();

    /** Its codecs, at most one per form. */
    List<FormCodec> codecs();
}
