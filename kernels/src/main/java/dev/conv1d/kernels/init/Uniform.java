package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.KerasFormat;

/** Keras {@code random_uniform(minval=-0.05, maxval=0.05)}: uniform on [minval, maxval). */
final class Uniform extends BaseInitializer {
  private final double minval;
  private final double maxval;

  Uniform(double minval, double maxval) {
    super(KerasFormat.call("random_uniform", "minval", KerasFormat.number(minval), "maxval",
        KerasFormat.number(maxval)));
    this.minval = minval;
    this.maxval = maxval;
  }

  @Override
  void fillChecked(float[] w, int[] shape, long seed) {
    fill(w, new Sampler(seed), minval, maxval);
  }

  static void fill(float[] w, Sampler g, double minval, double maxval) {
    double range = maxval - minval;
    for (int i = 0; i < w.length; i++) w[i] = (float) (minval + range * g.uniform());
  }
}
