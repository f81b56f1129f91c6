package org.xencommlab.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The copy-path ratio measured in alternation, for a machine too busy for JMH's one-benchmark-after-
 * another order (other processes' load moves the baseline by 3x between two benchmarks a minute
 * apart). Not JMH: a main class over the same states as {@link BenchmarkGuestCopy}.
 *
 * <p>For each {@code arch} and {@code size} it wires the benchmark's {@link BenchmarkGuestCopy.Guest}
 * (same setup and checks) and a {@link BenchmarkGuestCopy.Plain} baseline, warms both up, then runs
 * {@code rounds} rounds; each round times a block of {@code System.arraycopy}s, a block of
 * {@code copy_from_guest} and a block of {@code copy_to_guest} of {@code size} bytes, back to back
 * (a few milliseconds each), and the round's ratio is arraycopy time / copy time. A burst of load
 * disturbs one round, not one side; the median over the rounds is printed with the lowest and
 * highest quartile. Usage: {@code CopyRatio ROUNDS ARCH[,ARCH...] SIZE[,SIZE...]}.
 */
public final class CopyRatio {
    private CopyRatio() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String[] archs = (args.length > 1 ? args[1] : "x86,ppc,cvm").split(",");
        String[] sizes = (args.length > 2 ? args[2] : "65536,1048576").split(",");
        for (String sizeText : sizes) {
            int size = Integer.parseInt(sizeText);
            BenchmarkGuestCopy.Plain plain = new BenchmarkGuestCopy.Plain();
            plain.size = size;
            plain.setUp();
            for (String arch : archs) {
                BenchmarkGuestCopy.Guest guest = new BenchmarkGuestCopy.Guest();
                guest.arch = arch;
                guest.size = size;
                guest.setUp();
                try {
                    measure(arch, size, rounds, plain, guest);
                } finally {
                    guest.tearDown();
                }
            }
        }
    }

    private static void measure(String arch, int size, int rounds, BenchmarkGuestCopy.Plain plain, BenchmarkGuestCopy.Guest guest) {
        // About 2 ms of arraycopy per block at the machine's quiet speed.
        int ops = Math.max(16, (int) (2_000_000L * 16 / Math.max(size, 4096)));
        for (int i = 0; i < 20; i++) {
            round(ops, plain, guest);
        }
        List<double[]> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ratios.add(round(ops, plain, guest));
        }
        double[] from = ratios.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] to = ratios.stream().mapToDouble(x -> x[1]).sorted().toArray();
        double[] base = ratios.stream().mapToDouble(x -> x[2]).sorted().toArray();
        System.out.printf("%-4s %8d B  arraycopy median %9.0f ns | copyFromGuest ratio %s | copyToGuest ratio %s  (%d rounds of %d ops)%n",
                arch, size, base[base.length / 2], quartiles(from), quartiles(to), rounds, ops);
    }

    /** {ratio from, ratio to, arraycopy ns per op}. */
    private static double[] round(int ops, BenchmarkGuestCopy.Plain plain, BenchmarkGuestCopy.Guest guest) {
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            System.arraycopy(plain.src, 0, plain.dst, 0, plain.size);
            sink += plain.dst[i & (plain.size - 1)];
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += BenchmarkGuestCopy.expectAllCopied(guest.fromGuest.call());
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink += BenchmarkGuestCopy.expectAllCopied(guest.toGuest.call());
        }
        long t3 = System.nanoTime();
        if (sink == Long.MIN_VALUE) {
            System.out.println(Arrays.toString(plain.dst));
        }
        double base = (double) (t1 - t0);
        return new double[] {base / (t2 - t1), base / (t3 - t2), base / ops};
    }

    private static String quartiles(double[] sorted) {
        return String.format("%.2f [%.2f..%.2f]", sorted[sorted.length / 2], sorted[sorted.length / 4], sorted[3 * sorted.length / 4]);
    }
}
