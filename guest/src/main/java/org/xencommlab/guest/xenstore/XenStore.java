package org.xencommlab.guest.xenstore;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;

/**
 * The run's xenstore, reduced to what the lab's workloads need: a tree of string nodes, written
 * and read by domains, with watches. In real Xen, xenstored runs in dom0 and guests reach it over
 * a shared ring; here there is one store per run (bound as a singleton), reached by direct calls
 * that carry the caller's domid.
 *
 * <p>Rules, as xenstored's defaults give them: paths are absolute ({@code /a/b}), made of
 * non-empty components of {@code [A-Za-z0-9_@-.]}, at most {@link #PATH_MAX} characters (else
 * EINVAL); values at most {@link #VALUE_MAX} bytes (else E2BIG); dom0 may write anywhere, another
 * domain only below its own {@code /local/domain/<domid>/} (else EACCES); reading a missing node
 * is ENOENT. A refused write changes nothing.
 *
 * <p>Watches: {@link #watch} fires once at registration if the node exists (xenstored does too),
 * then after every write to the node or below it. A watch fires <em>immediately</em>, on the
 * writer's thread, after the write is stored and outside the store's lock, in registration order:
 * deterministic, and the writer's call returns once every watcher ran. A watcher's
 * {@link XenException} is the watcher's business: it is traced, and neither the write nor the
 * other watchers are affected. Thread-safe.
 */
public final class XenStore {
    /** {@code XENSTORE_ABS_PATH_MAX}. */
    public static final int PATH_MAX = 3072;
    /** {@code XENSTORE_PAYLOAD_MAX}. */
    public static final int VALUE_MAX = 4096;

    private final Trace trace;
    private final TreeMap<String, String> nodes = new TreeMap<>();
    private final List<Watch> watches = new ArrayList<>();
    private long writes;

    @Inject
    public XenStore(Trace trace) {
        this.trace = requireNonNull(trace, "trace is null");
    }

    /** {@code /local/domain/<domid>/memory/target}: the balloon target in KiB, as xl writes it. */
    public static String memoryTargetPath(int domid) {
        return "/local/domain/" + domid + "/memory/target";
    }

    /**
     * Writes {@code value} at {@code path} for domain {@code callerDomid}, then fires the watches.
     *
     * @throws XenException EINVAL for a bad path, E2BIG for a value too long, EACCES for a node
     *     the caller may not write
     */
    public void write(int callerDomid, String path, String value) {
        requireNonNull(value, "value is null");
        checkPath(path);
        if (value.length() > VALUE_MAX) {
            throw new XenException(XenErrno.E2BIG, "a value of " + value.length() + " bytes at " + path);
        }
        if (callerDomid != 0 && !path.startsWith("/local/domain/" + callerDomid + "/")) {
            throw new XenException(XenErrno.EACCES, "domain " + callerDomid + " may not write " + path);
        }
        List<Watch> firing = new ArrayList<>();
        synchronized (this) {
            nodes.put(path, value);
            writes++;
            for (Watch watch : watches) {
                if (watch.covers(path)) {
                    firing.add(watch);
                }
            }
        }
        trace.event(TraceKind.LIBRARY, callerDomid, () -> "xenstore write " + path + " = " + value);
        for (Watch watch : firing) {
            watch.fire(path, value);
        }
    }

    /**
     * The value at {@code path}.
     *
     * @throws XenException ENOENT when there is none; EINVAL for a bad path
     */
    public String read(String path) {
        return find(path).orElseThrow(() -> new XenException(XenErrno.ENOENT, "no node " + path));
    }

    /** The value at {@code path}, if any (EINVAL for a bad path). */
    public synchronized Optional<String> find(String path) {
        checkPath(path);
        return Optional.ofNullable(nodes.get(path));
    }

    /** Writes stored so far. */
    public synchronized long writes() {
        return writes;
    }

    /** Watches registered and not cancelled. */
    public synchronized int watchCount() {
        return watches.size();
    }

    /**
     * Watches {@code path} and everything below it; fires now if the node exists.
     *
     * @return a handle whose {@link Watch#cancel} stops it
     */
    public Watch watch(String path, int ownerDomid, XenStoreWatcher watcher) {
        checkPath(path);
        requireNonNull(watcher, "watcher is null");
        Watch watch = new Watch(path, ownerDomid, watcher);
        String existing;
        synchronized (this) {
            watches.add(watch);
            existing = nodes.get(path);
        }
        if (existing != null) {
            watch.fire(path, existing);
        }
        return watch;
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.length() > PATH_MAX || path.charAt(0) != '/' || path.endsWith("/")) {
            throw new XenException(XenErrno.EINVAL, "bad xenstore path " + path);
        }
        boolean componentStart = true;
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (componentStart) {
                    throw new XenException(XenErrno.EINVAL, "empty component in xenstore path " + path);
                }
                componentStart = true;
                continue;
            }
            componentStart = false;
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '@' || c == '.';
            if (!ok) {
                throw new XenException(XenErrno.EINVAL, "bad character in xenstore path " + path);
            }
        }
    }

    /** One registered watch. */
    public final class Watch {
        private final String path;
        private final int ownerDomid;
        private final XenStoreWatcher watcher;

        private Watch(String path, int ownerDomid, XenStoreWatcher watcher) {
            this.path = path;
            this.ownerDomid = ownerDomid;
            this.watcher = watcher;
        }

        public String path() {
            return path;
        }

        boolean covers(String written) {
            return written.equals(path) || written.startsWith(path + "/");
        }

        void fire(String written, String value) {
            try {
                watcher.changed(written, value);
            } catch (XenException e) {
                trace.event(TraceKind.LIBRARY, ownerDomid, () -> "xenstore watch on " + path + " failed: " + e.getMessage());
            }
        }

        /** Stops the watch; cancelling twice does nothing. */
        public void cancel() {
            synchronized (XenStore.this) {
                watches.remove(this);
            }
        }
    }
}
