package org.xencommlab.api.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;

/** A handle site is an argument or a field, never both or neither; a handle names at most 64 MiB. */
class TestHandleSiteBounds {
    @Test
    void aHandleNamesAtMostSixtyFourMebibytes() {
        assertThat(HandleSite.MAX_LENGTH).isEqualTo(64L << 20);
        assertThat(HandleSite.bounded(0)).isZero();
        assertThat(HandleSite.bounded(HandleSite.MAX_LENGTH)).isEqualTo(HandleSite.MAX_LENGTH);
        assertThat(errnoOf(() -> HandleSite.bounded(HandleSite.MAX_LENGTH + 1))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> HandleSite.bounded(-1))).as("an unsigned length beyond it").isEqualTo(XenErrno.E2BIG);
    }

    @Test
    void aSiteIsEitherAnArgumentOrAField() {
        HandleSite argument = HandleSite.argument(0, 0, List.of());
        assertThat(argument.argIndex()).isZero();
        assertThat(argument.fieldOffset()).isEqualTo(-1);
        HandleSite field = HandleSite.field(0, 5, List.of(argument));
        assertThat(field.fieldOffset()).isZero();
        assertThat(field.argIndex()).isEqualTo(-1);
        assertThat(field.nested()).containsExactly(argument);
        assertThatThrownBy(() -> new HandleSite(-1, -1, 0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandleSite(0, 0, 0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandleSite.argument(1, -1, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandleSite.argument(1, 0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theNestedSitesAreACopy() {
        List<HandleSite> nested = new ArrayList<>(List.of(HandleSite.field(8, 1, List.of())));
        HandleSite site = HandleSite.argument(2, 16, nested);
        nested.clear();
        assertThat(site.nested()).hasSize(1);
        assertThatThrownBy(() -> site.nested().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
