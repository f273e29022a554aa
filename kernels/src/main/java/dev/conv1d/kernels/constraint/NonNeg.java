package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.Shapes;
import dev.conv1d.kernels.keras.SpecIdentity;

/**
 * Keras {@code non_neg}: w * (w >= 0). Kept as that product, like TensorFlow, so a negative weight becomes -0.0
 * and NaN stays NaN.
 */
final class NonNeg extends SpecIdentity implements Constraint {
  static final NonNeg INSTANCE = new NonNeg();

  private NonNeg() {
    super(Constraint.class, "non_neg");
  }

  @Override
  public void apply(float[] w, int[] shape) {
    Shapes.check(w, shape);
    for (int i = 0; i < w.length; i++) w[i] *= w[i] >= 0f ? 1f : 0f;
  }
}
