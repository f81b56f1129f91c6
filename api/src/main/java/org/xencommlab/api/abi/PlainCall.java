package org.xencommlab.api.abi;

/**
 * A hypercall whose arguments are plain words naming no guest memory (for example
 * {@code xen_version(XENVER_version, NULL)}); both strategies pass the words unchanged, and the
 * outcome is the result itself.
 *
 * @param hypercall the hypercall number
 * @param args up to five argument words, copied
 */
public record PlainCall(int hypercall, long[] args) implements HypercallRequest<Long> {
    public PlainCall {
        if (args.length > 5) {
            throw new IllegalArgumentException("a hypercall takes at most five arguments: " + args.length);
        }
        args = args.clone();
    }

    public static PlainCall of(int hypercall, long... args) {
        return new PlainCall(hypercall, args);
    }

    @Override
    public long[] args() {
        return args.clone();
    }
}
