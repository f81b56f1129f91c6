package org.xencommlab.api.abi.multicall;

import org.xencommlab.api.abi.codec.ArgumentMemory;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.layout.LittleEndian;

/** A decoded multicall; entries live in {@code entries} from byte {@code base}. */
final class MulticallView implements MulticallArguments {
    private final ArgumentMemory entries;
    private final long base;
    private final int nrCalls;
    private final int start;
    private final long list;
    private final byte[] entry = new byte[MulticallEntry.SIZE];

    MulticallView(ArgumentMemory entries, long base, int nrCalls, int start, long list) {
        this.entries = entries;
        this.base = base;
        this.nrCalls = nrCalls;
        this.start = start;
        this.list = list;
    }

    @Override
    public int nrCalls() {
        return nrCalls;
    }

    @Override
    public int start() {
        return start;
    }

    @Override
    public MulticallEntry readEntry(int index) {
        ArgumentWords.checkIndex(index, Integer.toUnsignedLong(nrCalls), "multicall entry");
        entries.read(base + (long) index * MulticallEntry.SIZE, entry, 0, MulticallEntry.SIZE);
        return MulticallEntry.decode(entry, 0);
    }

    @Override
    public void writeResult(int index, long result) {
        ArgumentWords.checkIndex(index, Integer.toUnsignedLong(nrCalls), "multicall entry");
        byte[] word = new byte[8];
        LittleEndian.putU64(word, 0, result);
        entries.write(base + (long) index * MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET, word, 0, 8);
    }

    @Override
    public void writeEntry(int index, MulticallEntry newEntry) {
        ArgumentWords.checkIndex(index, Integer.toUnsignedLong(nrCalls), "multicall entry");
        byte[] bytes = newEntry.encode();
        entries.write(base + (long) index * MulticallEntry.SIZE, bytes, 0, bytes.length);
    }

    @Override
    public long[] continuationArgs(int nextIndex) {
        if (nextIndex < 0 || Integer.toUnsignedLong(nextIndex) > Integer.toUnsignedLong(nrCalls)) {
            throw new IllegalArgumentException("next index out of range: " + nextIndex);
        }
        return new long[] {list, Integer.toUnsignedLong(nrCalls), nextIndex};
    }
}
