package org.xencommlab.api.abi;

/**
 * What a guest caller wants from one hypercall, independent of how arguments carry their data: the
 * {@link ArgumentStrategy} turns it into argument words and placed memory
 * ({@link ArgumentStrategy#prepare}), and turns the result back into an outcome of type {@code R}.
 *
 * <p>Implementations are immutable values: {@code ReservationRequest}, {@code MulticallRequest},
 * {@code ConsoleWriteRequest}, {@code ConsoleReadRequest}, {@code GetDomainInfoListRequest},
 * {@code ModifiedMemoryRequest} and {@link PlainCall}.
 *
 * @param <R> what the caller gets back once the hypercall returned
 */
public interface HypercallRequest<R> {
    /** The hypercall number ({@link org.xencommlab.api.hypercall.HypercallNumber}). */
    int hypercall();
}
