package org.xencommlab.hypervisor.console;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The hypervisor's console: per domain, the bytes it wrote with {@code console_io} (kept in a ring
 * of bounded size, as Xen's console ring; the oldest bytes go first, the total written is still
 * counted) and an input ring the lab feeds and the domain reads with {@code console_io} read.
 *
 * <p>Thread-safe. A domain's console survives the domain's destruction, so a run can read what it
 * wrote; it is cleared when a domain with the same domid is created.
 */
@Singleton
public final class ConsoleLog {
    private final int outputCapacity;
    private final int inputCapacity;
    private final Map<Integer, DomainConsole> consoles = new TreeMap<>();

    @Inject
    public ConsoleLog(HypervisorConfig config) {
        this.outputCapacity = config.consoleOutputBytes();
        this.inputCapacity = config.consoleInputBytes();
    }

    /** Bytes domain {@code domid} wrote, as far as the ring keeps them (oldest first). */
    public synchronized byte[] output(int domid) {
        DomainConsole console = consoles.get(domid);
        return console == null ? new byte[0] : console.output.snapshot();
    }

    /** {@link #output(int)} as text (bytes taken as UTF-8). */
    public String outputText(int domid) {
        return new String(output(domid), StandardCharsets.UTF_8);
    }

    /** Bytes domain {@code domid} wrote in all, including those the ring no longer keeps. */
    public synchronized long bytesWritten(int domid) {
        DomainConsole console = consoles.get(domid);
        return console == null ? 0 : console.written;
    }

    /**
     * Queues {@code bytes} for domain {@code domid} to read with {@code console_io} read.
     *
     * @return how many were accepted (the ring keeps at most its capacity unread; 0 when it is full,
     *     or fuller than that because a failed read put its bytes back)
     */
    public synchronized int feedInput(int domid, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes is null");
        DomainConsole console = console(domid);
        // Bytes a failed console_io read put back may hold the ring above its capacity for a while.
        int accepted = Math.max(0, Math.min(bytes.length, inputCapacity - console.input.size()));
        console.input.append(bytes, 0, accepted);
        return accepted;
    }

    /** Unread input bytes of domain {@code domid}. */
    public synchronized int pendingInput(int domid) {
        DomainConsole console = consoles.get(domid);
        return console == null ? 0 : console.input.size();
    }

    /** Forgets domain {@code domid}'s console (at the creation of a domain with that domid). */
    public synchronized void reset(int domid) {
        consoles.remove(domid);
    }

    /** Appends bytes a domain wrote. */
    public synchronized void append(int domid, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        DomainConsole console = console(domid);
        console.written += length;
        console.output.append(src, offset, length);
    }

    /** Takes up to {@code max} unread input bytes into {@code dst}; returns how many. */
    public synchronized int takeInput(int domid, byte[] dst, int max) {
        DomainConsole console = consoles.get(domid);
        if (console == null) {
            return 0;
        }
        return console.input.take(dst, Math.min(max, dst.length));
    }

    /** Puts back input bytes taken by {@link #takeInput} that could not be delivered (front of the ring). */
    public synchronized void unreadInput(int domid, byte[] src, int length) {
        console(domid).input.prepend(src, length);
    }

    private DomainConsole console(int domid) {
        return consoles.computeIfAbsent(domid, d -> new DomainConsole(outputCapacity));
    }

    private static final class DomainConsole {
        final ByteRing output;
        final ByteRing input = new ByteRing(Integer.MAX_VALUE);
        long written;

        DomainConsole(int outputCapacity) {
            this.output = new ByteRing(outputCapacity);
        }
    }

    /** A ring of bytes that grows on demand up to its capacity, then drops its oldest bytes. */
    static final class ByteRing {
        private final int capacity;
        private byte[] buf = new byte[0];
        private int head;
        private int size;

        ByteRing(int capacity) {
            this.capacity = capacity;
        }

        int size() {
            return size;
        }

        void append(byte[] src, int offset, int length) {
            if (capacity == 0 || length == 0) {
                return;
            }
            if (length >= capacity) {
                ensure(capacity);
                System.arraycopy(src, offset + length - capacity, buf, 0, capacity);
                head = 0;
                size = capacity;
                return;
            }
            ensure((int) Math.min(capacity, (long) size + length));
            int n = buf.length;
            int tail = (int) (((long) head + size) % n);
            int first = Math.min(length, n - tail);
            System.arraycopy(src, offset, buf, tail, first);
            System.arraycopy(src, offset + first, buf, 0, length - first);
            long total = (long) size + length;
            if (total > n) {
                head = (int) ((head + (total - n)) % n);
                size = n;
            } else {
                size = (int) total;
            }
        }

        int take(byte[] dst, int max) {
            int n = Math.max(0, Math.min(max, size));
            copyOut(dst, n);
            head = buf.length == 0 ? 0 : (head + n) % buf.length;
            size -= n;
            return n;
        }

        void prepend(byte[] src, int length) {
            if (length <= 0) {
                return;
            }
            ensure((int) Math.min(capacity, (long) size + length));
            int room = Math.min(length, buf.length - size);
            // keep the newest of what is put back, so the oldest bytes stay first
            int from = length - room;
            head = ((head - room) % buf.length + buf.length) % buf.length;
            for (int i = 0, pos = head; i < room; ) {
                int run = Math.min(room - i, buf.length - pos);
                System.arraycopy(src, from + i, buf, pos, run);
                i += run;
                pos = (pos + run) % buf.length;
            }
            size += room;
        }

        byte[] snapshot() {
            byte[] out = new byte[size];
            copyOut(out, size);
            return out;
        }

        private void copyOut(byte[] dst, int n) {
            int first = Math.min(n, buf.length - head);
            System.arraycopy(buf, head, dst, 0, first);
            System.arraycopy(buf, 0, dst, first, n - first);
        }

        private void ensure(int need) {
            if (buf.length >= need) {
                return;
            }
            int grown = (int) Math.min(capacity, Math.max((long) need, Math.max(64L, buf.length * 2L)));
            byte[] bigger = new byte[grown];
            copyOut(bigger, size);
            buf = bigger;
            head = 0;
        }
    }
}
