package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link GuestKernel} and {@link GuestProcess} are façades over parts that own the state: neither
 * offers the other (or anything in the package) a package-private or protected method, and
 * neither keeps a mutable field. The only package-private member is the constructor by which the
 * kernel makes a process (and the factory a kernel).
 */
final class TestFacades {
    @Test
    void neitherFacadeHasABackDoor() {
        for (Class<?> facade : List.of(GuestKernel.class, GuestProcess.class)) {
            List<String> open = Stream.concat(Arrays.stream(facade.getDeclaredMethods()), Arrays.stream(facade.getDeclaredFields()))
                    .map(Member.class::cast)
                    .filter(member -> !member.isSynthetic())
                    .filter(member -> !Modifier.isPublic(member.getModifiers()) && !Modifier.isPrivate(member.getModifiers()))
                    .map(Member::getName)
                    .toList();
            assertThat(open).as(facade.getSimpleName() + " members neither public nor private").isEmpty();
        }
    }

    @Test
    void neitherFacadeKeepsMutableState() {
        for (Class<?> facade : List.of(GuestKernel.class, GuestProcess.class)) {
            List<String> mutable = Arrays.stream(facade.getDeclaredFields())
                    .filter(field -> !field.isSynthetic() && !Modifier.isFinal(field.getModifiers()))
                    .map(Field::getName)
                    .toList();
            assertThat(mutable).as(facade.getSimpleName() + " non-final fields").isEmpty();
        }
    }
}
