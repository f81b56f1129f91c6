package org.xencommlab.api.abi.codec;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;

/**
 * One hypercall's codec in one form of the ABI: a strategy finds it in a {@link CodecRegistry} by
 * the request type it encodes (guest side) or the view kind it decodes (hypervisor side). Each form
 * extends this with its own encode and decode methods ({@link PointerCodec}, {@link EmbeddedCodec}).
 *
 * <p>An implementation must guarantee that it is stateless and thread-safe; that the registry only
 * ever hands it requests of the types and kinds it lists (so it may cast to them); and that its two
 * sides agree (what it encodes, it decodes to the same request).
 */
public interface FormCodec {
    /** The request classes this codec encodes (exact classes; requests are final records). */
    List<Class<?>> requestTypes();

    /** The views this codec decodes. */
    List<ArgumentKind<?>> kinds();
}
