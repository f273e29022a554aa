package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.KerasFormat;

/** Keras {@code unit_norm}: w / (epsilon + norm), so all-zero slices stay zero. */
final class UnitNorm extends NormConstraint {
  UnitNorm(Axis axis) {
    super(KerasFormat.call("unit_norm", "axis", axis.spec()), axis);
  }

  @Override
  double desired(double norm) {
    return 1;
  }
}
