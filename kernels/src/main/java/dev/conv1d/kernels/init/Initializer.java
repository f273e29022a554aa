package dev.conv1d.kernels.init;

/** A Keras weight initializer, seeded explicitly so a Spark job initializes identically wherever it runs. */
public interface Initializer {
  /**
   * Overwrites {@code w}, the flat row-major weight of Keras shape {@code shape} (a conv kernel is
   * [kernel_size, in_channels/groups, filters]), with fresh values. The same seed always gives the same values;
   * fails unless {@code w.length} is the product of {@code shape}.
   */
  void fill(float[] w, int[] shape, long seed);

  /** Canonical Keras spec that {@link Initializers#parse} reads back to an equal initializer. */
  String spec();
}
