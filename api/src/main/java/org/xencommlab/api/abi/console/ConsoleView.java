package org.xencommlab.api.abi.console;

import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/** A decoded console_io; the bytes live in {@code buffer} from byte {@code base}. */
final class ConsoleView implements ConsoleIoArguments {
    private final int cmd;
    private final long count;
    private final long done;
    private final ArgumentMemory buffer;
    private final long base;
    private final long bufferWord;

    ConsoleView(int cmd, long count, long done, ArgumentMemory buffer, long base, long bufferWord) {
        this.cmd = cmd;
        this.count = count;
        this.done = done;
        this.buffer = buffer;
        this.base = base;
        this.bufferWord = bufferWord;
    }

    @Override
    public int cmd() {
        return cmd;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long done() {
        return done;
    }

    private void check(long offset, int length) {
        if (offset < 0 || length < 0 || offset > count - length) {
            throw new XenException(XenErrno.EINVAL, "console range " + offset + "+" + length + " beyond count " + count);
        }
    }

    @Override
    public void copyIn(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        buffer.read(base + offset, dst, dstOffset, length);
    }

    @Override
    public void copyOut(long offset, byte[] src, int srcOffset, int length) {
        check(offset, length);
        buffer.write(base + offset, src, srcOffset, length);
    }

    @Override
    public long[] continuationArgs(long doneNow) {
        if (doneNow < 0 || doneNow > count) {
            throw new IllegalArgumentException("done out of range: " + doneNow);
        }
        return new long[] {cmd, count, bufferWord, doneNow};
    }
}
