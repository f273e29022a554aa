package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.Shapes;
import dev.conv1d.kernels.keras.SpecIdentity;

/** Keras' constraint=None: checks the shape and leaves the weights alone. */
final class NoConstraint extends SpecIdentity implements Constraint {
  NoConstraint() {
    super(Constraint.class, "None");
  }

  @Override
  public void apply(float[] w, int[] shape) {
    Shapes.check(w, shape);
  }
}
