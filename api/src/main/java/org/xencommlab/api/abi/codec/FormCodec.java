package org.xencommlab.api.abi.codec;

/**
 * One hypercall's codec in one form of the ABI: a strategy finds it in a {@link CodecRegistry} by
 * the request type it encodes (guest side) or the view kind it decodes (hypervisor side), both
 * declared once for all forms by the codec's {@link HypercallAbi}. Each form extends this with its
 * own encode and decode methods ({@link PointerCodec}, {@link EmbeddedCodec}).
 *
 * <p>An implementation must guarantee that it is stateless and thread-safe; that it encodes every
 * request type and decodes every kind its {@link HypercallAbi} lists (the registry only ever hands
 * it those, so it may cast to them); and that its two sides agree (what it encodes, it decodes to
 * the same request).
 */
public interface FormCodec {}
