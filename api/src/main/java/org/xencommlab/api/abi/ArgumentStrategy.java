package org.xencommlab.api.abi;

/**
 * How hypercall arguments carry their data. {@code pointer}: structures hold guest handles to
 * their arrays, as in Xen's public headers. {@code embedded}: no pointers anywhere; the whole
 * argument, arrays included, travels in one contiguous kernel block of bounded size.
 *
 * <p>The marshalling methods are added with the hypercall ABI; this type names the strategy.
 */
public interface ArgumentStrategy {
    /** The strategy's name, as its plugin gives it. */
    String name();
}
