package org.xencommlab.api.abi.codec;

import java.util.function.LongFunction;
import org.xencommlab.api.abi.PreparedCall;

/** A prepared call made of its words and a completion. */
public final class SimplePreparedCall<R> implements PreparedCall<R> {
    private final int op;
    private final long[] args;
    private final LongFunction<R> completion;

    public SimplePreparedCall(int op, long[] args, LongFunction<R> completion) {
        this.op = op;
        this.args = args.clone();
        this.completion = completion;
    }

    @Override
    public int op() {
        return op;
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    @Override
    public R complete(long result) {
        return completion.apply(result);
    }
}
