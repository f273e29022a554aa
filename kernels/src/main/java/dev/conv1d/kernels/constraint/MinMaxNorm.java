package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.KerasFormat;

/**
 * Keras {@code min_max_norm}: moves each slice's norm a fraction {@code rate} of the way into
 * [min_value, max_value]: desired = rate * clip(norm, min, max) + (1 - rate) * norm.
 */
final class MinMaxNorm extends NormConstraint {
  private final double minValue;
  private final double maxValue;
  private final double rate;

  MinMaxNorm(double minValue, double maxValue, double rate, Axis axis) {
    super(KerasFormat.call("min_max_norm", "min_value", KerasFormat.number(minValue), "max_value",
        KerasFormat.number(maxValue), "rate", KerasFormat.number(rate), "axis", axis.spec()), axis);
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.rate = rate;
  }

  @Override
  double desired(double norm) {
    return rate * Math.min(Math.max(norm, minValue), maxValue) + (1 - rate) * norm;
  }
}
