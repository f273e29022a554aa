package dev.conv1d.kernels.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.constraint.Constraints;
import dev.conv1d.kernels.regularizer.Regularizers;
import org.junit.jupiter.api.Test;

class SpecIdentityTest {
  @Test
  void equalSpecsAreEqualOnlyWithinAFamily() {
    assertEquals("None", Regularizers.none().spec());
    assertEquals("None", Constraints.none().spec());
    assertNotEquals((Object) Regularizers.none(), Constraints.none());
    assertNotEquals(Regularizers.none().hashCode(), Constraints.none().hashCode());
    assertEquals(Regularizers.parse("l2(0.5)"), Regularizers.l2(0.5));
    assertEquals("l2(l2=0.5)", Regularizers.l2(0.5).toString());
    assertNotEquals((Object) Activations.relu(), "relu");
  }
}
