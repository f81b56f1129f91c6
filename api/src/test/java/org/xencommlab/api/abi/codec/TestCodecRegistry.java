package org.xencommlab.api.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.multicall.MulticallAbi;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

final class TestCodecRegistry {
    /** An ABI whose types, kinds and codecs a test chooses. */
    private record TestingAbi(String name, int hypercall, int memoryArgument, List<Class<?>> requestTypes, List<ArgumentKind<?>> kinds,
            List<FormCodec> codecs) implements HypercallAbi {
        TestingAbi(String name, List<Class<?>> requestTypes, List<ArgumentKind<?>> kinds, List<FormCodec> codecs) {
            this(name, -1, -1, requestTypes, kinds, codecs);
        }
    }

    private static final ArgumentKind<String> OTHER_KIND = new ArgumentKind<>("other", String.class);

    @Test
    void eachFormFindsItsOwnCodecUnderTheTypesAndKindsItsAbiDeclares() {
        List<HypercallAbi> abis = List.of(new PlainCallAbi(), new MulticallAbi());
        CodecRegistry<PointerCodec> pointer = CodecRegistry.of(PointerCodec.class, abis);
        CodecRegistry<EmbeddedCodec> embedded = CodecRegistry.of(EmbeddedCodec.class, abis);
        MulticallRequest multicall = new MulticallRequest(List.of());

        assertThat(pointer.encoder(multicall)).isSameAs(pointer.decoder(MulticallArguments.KIND));
        assertThat(embedded.encoder(multicall)).isSameAs(embedded.decoder(MulticallArguments.KIND));
        assertThat(pointer.encoder(new PlainCall(1, new long[0]))).isNotSameAs(pointer.encoder(multicall));
        assertThat(embedded.encoder(multicall)).isInstanceOf(EmbeddedCodec.class);
    }

    @Test
    void unknownRequestTypeAndKindAreRefused() {
        CodecRegistry<PointerCodec> pointer = CodecRegistry.of(PointerCodec.class, List.of(new PlainCallAbi()));

        assertThatThrownBy(() -> pointer.encoder(new MulticallRequest(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown request type");
        assertThatThrownBy(() -> pointer.decoder(MulticallArguments.KIND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no decoder");
    }

    @Test
    void twoAbisDeclaringOneRequestTypeAreRefused() {
        assertThatThrownBy(() -> CodecRegistry.of(PointerCodec.class, List.of(new PlainCallAbi(), new PlainCallAbi())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs encode " + PlainCall.class.getName());
    }

    @Test
    void twoAbisDeclaringOneKindAreRefused() {
        HypercallAbi other = new TestingAbi("other", List.of(), List.of(MulticallArguments.KIND), new PlainCallAbi().codecs());

        assertThatThrownBy(() -> CodecRegistry.of(EmbeddedCodec.class, List.of(new MulticallAbi(), other)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs decode");
    }

    @Test
    void oneAbiWithTwoCodecsOfOneFormIsRefused() {
        List<FormCodec> plain = new PlainCallAbi().codecs();
        HypercallAbi twice = new TestingAbi("twice", List.of(), List.of(OTHER_KIND), List.of(plain.get(0), plain.get(0)));

        assertThatThrownBy(() -> CodecRegistry.of(PointerCodec.class, List.of(twice)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice has two codecs");
    }

    @Test
    void anAbiWithoutACodecOfTheFormAddsNothing() {
        HypercallAbi pointerOnly = new TestingAbi("pointer only", List.of(PlainCall.class), List.of(OTHER_KIND),
                List.of(new PlainCallAbi().codecs().get(0)));
        CodecRegistry<EmbeddedCodec> embedded = CodecRegistry.of(EmbeddedCodec.class, List.of(pointerOnly));

        assertThatThrownBy(() -> embedded.decoder(OTHER_KIND)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachHypercallsCodecAndMemoryWordAreFoundByNumberInItsOwnFormOnly() {
        CodecRegistry<PointerCodec> pointer = CodecRegistry.of(PointerCodec.class, HypercallAbisForTest.all());
        CodecRegistry<EmbeddedCodec> embedded = CodecRegistry.of(EmbeddedCodec.class, HypercallAbisForTest.all());

        assertThat(pointer.forHypercall(HypercallNumber.MULTICALL)).containsSame(pointer.decoder(MulticallArguments.KIND));
        assertThat(pointer.memoryArgument(HypercallNumber.MULTICALL)).isEqualTo(MulticallAbi.MEMORY_ARGUMENT).isZero();
        assertThat(pointer.memoryArgument(HypercallNumber.XEN_VERSION)).isEqualTo(1);
        assertThat(embedded.forHypercall(HypercallNumber.XEN_VERSION)).as("the embedded form has no xen_version buffer").isEmpty();
        assertThat(embedded.memoryArgument(HypercallNumber.XEN_VERSION)).isEqualTo(-1);
        assertThat(pointer.forHypercall(99)).isEmpty();
        assertThat(pointer.forHypercall(-1)).as("plain calls stand for no number").isEmpty();
        assertThat(pointer.memoryArgument(1L << 40)).isEqualTo(-1);
    }

    @Test
    void twoAbisForOneHypercallAreRefused() {
        HypercallAbi other = new TestingAbi("other", HypercallNumber.MULTICALL, 0, List.of(), List.of(), new PlainCallAbi().codecs());

        assertThatThrownBy(() -> CodecRegistry.of(PointerCodec.class, List.of(new MulticallAbi(), other)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs for hypercall " + HypercallNumber.MULTICALL);
    }

    /** The catalog's list, named here so that this package's test reads as using it. */
    private static final class HypercallAbisForTest {
        static List<HypercallAbi> all() {
            return org.xencommlab.api.abi.catalog.HypercallAbis.all();
        }
    }
}
