package org.xencommlab.examples.cli;

import java.io.PrintWriter;

/** Progress of a long comparison on standard error, shown only when it is a terminal. */
final class Progress {
    private final PrintWriter err;
    private final boolean shown;
    private int last = -1;

    private Progress(PrintWriter err, boolean shown) {
        this.err = err;
        this.shown = shown;
    }

    static Progress onTerminal(PrintWriter err) {
        return new Progress(err, System.console() != null);
    }

    synchronized void update(int done, int total) {
        if (!shown || done == last) {
            return;
        }
        last = done;
        err.printf("\rxencomm-lab: %d/%d runs", done, total);
        err.flush();
    }

    synchronized void finish() {
        if (shown && last >= 0) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
