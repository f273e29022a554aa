package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.KerasFormat;

/** Keras {@code max_norm}: slices whose norm exceeds max_value are scaled down to it, the rest kept. */
final class MaxNorm extends NormConstraint {
  private final double maxValue;

  MaxNorm(double maxValue, Axis axis) {
    super(KerasFormat.call("max_norm", "max_value", KerasFormat.number(maxValue), "axis", axis.spec()), axis);
    this.maxValue = maxValue;
  }

  @Override
  double desired(double norm) {
    return Math.min(norm, maxValue);
  }
}
