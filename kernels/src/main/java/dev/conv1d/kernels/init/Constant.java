package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.KerasFormat;
import java.util.Arrays;

/** Keras {@code zeros}, {@code ones} and {@code constant(value)}; the seed is ignored. */
final class Constant extends BaseInitializer {
  static final Constant ZEROS = new Constant("zeros", 0);
  static final Constant ONES = new Constant("ones", 1);

  private final float value;

  private Constant(String spec, double value) {
    super(spec);
    this.value = (float) value;
  }

  static Constant of(double value) {
    return new Constant(KerasFormat.call("constant", "value", KerasFormat.number(value)), value);
  }

  @Override
  void fillChecked(float[] w, int[] shape, long seed) {
    Arrays.fill(w, value);
  }
}
