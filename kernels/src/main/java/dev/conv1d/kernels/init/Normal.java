package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.KerasFormat;

/**
 * Keras {@code random_normal(mean=0.0, stddev=0.05)} and {@code truncated_normal(mean=0.0, stddev=0.05)}; the
 * truncated one re-draws values more than 2 stddev from the mean, as TensorFlow does.
 */
final class Normal extends BaseInitializer {
  private final double mean;
  private final double stddev;
  private final boolean truncated;

  Normal(double mean, double stddev, boolean truncated) {
    super(KerasFormat.call(truncated ? "truncated_normal" : "random_normal", "mean", KerasFormat.number(mean),
        "stddev", KerasFormat.number(stddev)));
    this.mean = mean;
    this.stddev = stddev;
    this.truncated = truncated;
  }

  @Override
  void fillChecked(float[] w, int[] shape, long seed) {
    fill(w, new Sampler(seed), mean, stddev, truncated);
  }

  static void fill(float[] w, Sampler g, double mean, double stddev, boolean truncated) {
    for (int i = 0; i < w.length; i++) w[i] = (float) (mean + stddev * (truncated ? g.truncated() : g.next()));
  }
}
