package org.xencommlab.api.abi.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.errno.XenErrno;

final class ConsoleProperties {
    @Property(tries = 200)
    void splitWritesConcatenateToTheOriginal(@ForAll @Size(max = 2000) byte[] bytes, @ForAll @IntRange(min = 1, max = 300) int max) {
        List<ConsoleWriteRequest> parts = new ConsoleWriteRequest(bytes).split(max);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (ConsoleWriteRequest part : parts) {
            assertThat(part.count()).isLessThanOrEqualTo(max);
            joined.writeBytes(part.bytes());
        }
        assertThat(joined.toByteArray()).isEqualTo(bytes);
    }

    @Property(tries = 100)
    void splitReadsAddUp(@ForAll @IntRange(max = 100_000) int count, @ForAll @IntRange(min = 1, max = 5000) int max) {
        List<ConsoleReadRequest> parts = new ConsoleReadRequest(count).split(max);
        assertThat(parts.stream().mapToInt(ConsoleReadRequest::count).sum()).isEqualTo(count);
        assertThat(parts).allSatisfy(p -> assertThat(p.count()).isLessThanOrEqualTo(max));
    }

    @Property(tries = 300)
    void anyHeaderIsAcceptedForItsCountOrRefused(@ForAll @Size(16) byte[] header, @ForAll @IntRange(max = 5000) int count) {
        XenErrors.decodesOrRefuses(() -> ConsoleIo.checkBlockHeader(header, 4096, count), XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 100)
    void aBlockCarriesItsBytes(@ForAll @Size(max = 4080) byte[] bytes) {
        byte[] block = ConsoleIo.encodeBlock(bytes, 0, bytes.length);
        ConsoleIo.checkBlockHeader(block, 4096, bytes.length);
        assertThat(java.util.Arrays.copyOfRange(block, ConsoleIo.DATA_OFFSET, block.length)).isEqualTo(bytes);
        assertThat(XenErrors.errnoOf(() -> ConsoleIo.checkBlockHeader(block, 4096, bytes.length + 1L))).isEqualTo(XenErrno.EINVAL);
    }
}
