package org.xencommlab.examples.lab;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.trace.TracePhase;

/**
 * Writes a {@link RecordingTrace} in one of three forms:
 *
 * <ul>
 *   <li>{@link Format#CHROME}: the Chrome trace-event JSON object ({@code {"traceEvents": [...]}})
 *       that Perfetto's UI and {@code chrome://tracing} open. Each domain is a process ({@code pid}
 *       the domid; the machine's own events go to {@link #MACHINE_PID}), each vCPU a thread
 *       ({@code tid}). A hypercall is a slice ({@code B}/{@code E}) from its entry to its return;
 *       each continuation is a slice inside it, up to the next continuation or the return. System
 *       calls, faults, registrations, paging, processes and scheduling points are instant events
 *       ({@code ph: "i"}) on the track of the domain's innermost open slice, else vCPU 0.
 *   <li>{@link Format#JSONL}: the same event objects, one per line.
 *   <li>{@link Format#TEXT}: one line per moment and per finished call, as {@code run --trace}
 *       always printed.
 * </ul>
 *
 * <p>Timestamps ({@code ts}) are the events' sequence numbers, one microsecond per recorded event:
 * the lab has no clock, and wall-clock time would make the file differ between runs. Equal runs
 * write equal files. Slices left open (events beyond the trace's limit) are closed at the end.
 */
public final class TraceWriter {
    /** The {@code pid} of events that belong to no domain (DOMID_XEN's value). */
    public static final int MACHINE_PID = 0x7FF2;

    /** How the trace is written. */
    public enum Format {
        CHROME, JSONL, TEXT;

        /** The format a user names ({@code chrome}, {@code jsonl}, {@code text}). */
        public static Format fromCliName(String name) {
            for (Format format : values()) {
                if (format.cliName().equals(name)) {
                    return format;
                }
            }
            throw new IllegalArgumentException("unknown trace format '" + name + "'; valid: chrome, jsonl, text");
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<TraceEvent> events;
    private final long dropped;
    private final String title;

    /**
     * @param title what was run (configuration, scenario, seed), written into the file's metadata
     */
    public TraceWriter(RecordingTrace trace, String title) {
        requireNonNull(trace, "trace is null");
        this.events = trace.events();
        this.dropped = trace.dropped();
        this.title = requireNonNull(title, "title is null");
    }

    /** Writes the trace to {@code out} (not closed) in {@code format}. */
    public void write(Writer out, Format format) throws IOException {
        requireNonNull(out, "out is null");
        switch (requireNonNull(format, "format is null")) {
            case TEXT -> writeText(out);
            case CHROME -> writeJson(out, false);
            case JSONL -> writeJson(out, true);
            default -> throw new IllegalStateException(format.toString());
        }
        out.flush();
    }

    private void writeText(Writer out) throws IOException {
        for (TraceEvent event : events) {
            if (event.phase() != TracePhase.BEGIN) {
                out.write(event.toString());
                out.write('\n');
            }
        }
        if (dropped > 0) {
            out.write("... " + dropped + " more events not shown\n");
        }
    }

    /** An open slice: its track and whether it is a continuation inside a hypercall. */
    private record Open(int domid, int pid, int tid, boolean continuation) {}

    private void writeJson(Writer out, boolean lines) throws IOException {
        JsonFactory factory = new JsonFactory();
        factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.setRootValueSeparator(null);
            Emitter emitter = new Emitter(json, lines, out);
            if (!lines) {
                json.writeStartObject();
                json.writeArrayFieldStart("traceEvents");
            }
            writeMetadata(emitter);
            Deque<Open> open = new ArrayDeque<>();
            long lastTs = 0;
            for (TraceEvent event : events) {
                lastTs = event.sequence();
                switch (event.phase()) {
                    case BEGIN -> {
                        Open slice = new Open(event.domid(), pid(event.domid()), Math.max(0, event.vcpu()), false);
                        open.push(slice);
                        emitter.begin(slice, name(event), event.kind(), "call", event.detail(), lastTs);
                    }
                    case END -> closeSlice(emitter, open, event, lastTs);
                    case INSTANT -> instant(emitter, open, event, lastTs);
                    default -> throw new IllegalStateException(event.phase().toString());
                }
            }
            long endTs = lastTs + 1;
            while (!open.isEmpty()) {
                emitter.end(open.pop(), "unfinished: the trace stopped here", endTs);
            }
            if (!lines) {
                json.writeEndArray();
                json.writeStringField("displayTimeUnit", "ns");
                json.writeObjectFieldStart("otherData");
                json.writeStringField("run", title);
                json.writeStringField("clock", "ts is the event's sequence number in the run (one per event), not time");
                json.writeNumberField("eventsNotKept", dropped);
                json.writeEndObject();
                json.writeEndObject();
            }
        }
        if (!lines) {
            out.write('\n');
        }
    }

    private void writeMetadata(Emitter emitter) throws IOException {
        Set<Integer> domains = new TreeSet<>();
        Set<List<Integer>> threads = new TreeSet<>((a, b) -> a.get(0).equals(b.get(0))
                ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0)));
        for (TraceEvent event : events) {
            domains.add(event.domid());
            threads.add(List.of(pid(event.domid()), Math.max(0, event.vcpu())));
        }
        for (int domid : domains) {
            emitter.metadata("process_name", pid(domid), 0, domid < 0 ? "machine" : domid == 0 ? "dom0" : "d" + domid);
        }
        for (List<Integer> thread : threads) {
            emitter.metadata("thread_name", thread.get(0), thread.get(1), "vcpu " + thread.get(1));
        }
    }

    private static void closeSlice(Emitter emitter, Deque<Open> open, TraceEvent event, long ts) throws IOException {
        int pid = pid(event.domid());
        int tid = Math.max(0, event.vcpu());
        boolean found = false;
        for (Open slice : open) {
            if (!slice.continuation() && slice.pid() == pid && slice.tid() == tid) {
                found = true;
                break;
            }
        }
        if (!found) {
            // Its begin was not kept; show the moment it ended.
            emitter.instant(pid, tid, event.detail(), event.kind(), ts);
            return;
        }
        while (true) {
            Open slice = open.pop();
            boolean target = !slice.continuation() && slice.pid() == pid && slice.tid() == tid;
            emitter.end(slice, target ? event.detail() : "closed with its hypercall", ts);
            if (target) {
                return;
            }
        }
    }

    private static void instant(Emitter emitter, Deque<Open> open, TraceEvent event, long ts) throws IOException {
        Open innermost = innermost(open, event.domid());
        if (event.kind() == TraceKind.CONTINUATION && innermost != null) {
            if (innermost.continuation()) {
                // The previous continuation ended when the handler asked for the next one.
                while (open.peek() != innermost) {
                    emitter.end(open.pop(), "closed with its continuation", ts);
                }
                emitter.end(open.pop(), "continued", ts);
            }
            Open slice = new Open(innermost.domid(), innermost.pid(), innermost.tid(), true);
            open.push(slice);
            emitter.begin(slice, "continuation", TraceKind.CONTINUATION, "call", event.detail(), ts);
            return;
        }
        int pid = pid(event.domid());
        int tid = innermost == null ? 0 : innermost.tid();
        emitter.instant(pid, tid, event.detail(), event.kind(), ts);
    }

    private static Open innermost(Deque<Open> open, int domid) {
        Iterator<Open> it = open.iterator();
        while (it.hasNext()) {
            Open slice = it.next();
            if (slice.domid() == domid) {
                return slice;
            }
        }
        return null;
    }

    private static int pid(int domid) {
        return domid < 0 ? MACHINE_PID : domid;
    }

    /** A slice's name: the call without its arguments ({@code memory_op}). */
    private static String name(TraceEvent event) {
        String detail = event.detail();
        int paren = detail.indexOf('(');
        return paren > 0 ? detail.substring(0, paren) : detail;
    }

    /** Writes event objects, as array elements or one per line. */
    private static final class Emitter {
        private final JsonGenerator json;
        private final boolean lines;
        private final Writer out;

        Emitter(JsonGenerator json, boolean lines, Writer out) {
            this.json = json;
            this.lines = lines;
            this.out = out;
        }

        void metadata(String what, int pid, int tid, String name) throws IOException {
            json.writeStartObject();
            json.writeStringField("name", what);
            json.writeStringField("ph", "M");
            json.writeNumberField("pid", pid);
            json.writeNumberField("tid", tid);
            json.writeObjectFieldStart("args");
            json.writeStringField("name", name);
            json.writeEndObject();
            finish();
        }

        void begin(Open slice, String name, TraceKind kind, String argName, String detail, long ts) throws IOException {
            json.writeStartObject();
            json.writeStringField("name", name);
            json.writeStringField("cat", kind.label());
            json.writeStringField("ph", "B");
            common(slice.pid(), slice.tid(), ts);
            json.writeObjectFieldStart("args");
            json.writeStringField(argName, detail);
            json.writeEndObject();
            finish();
        }

        void end(Open slice, String detail, long ts) throws IOException {
            json.writeStartObject();
            json.writeStringField("ph", "E");
            common(slice.pid(), slice.tid(), ts);
            json.writeObjectFieldStart("args");
            json.writeStringField("result", detail);
            json.writeEndObject();
            finish();
        }

        void instant(int pid, int tid, String detail, TraceKind kind, long ts) throws IOException {
            json.writeStartObject();
            json.writeStringField("name", detail);
            json.writeStringField("cat", kind.label());
            json.writeStringField("ph", "i");
            json.writeStringField("s", "t");
            common(pid, tid, ts);
            finish();
        }

        private void common(int pid, int tid, long ts) throws IOException {
            json.writeNumberField("ts", ts);
            json.writeNumberField("pid", pid);
            json.writeNumberField("tid", tid);
        }

        private void finish() throws IOException {
            json.writeEndObject();
            if (lines) {
                json.flush();
                out.write('\n');
            }
        }
    }
}
