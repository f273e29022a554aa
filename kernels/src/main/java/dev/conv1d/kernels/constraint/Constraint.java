package dev.conv1d.kernels.constraint;

/** A Keras weight constraint: a projection applied to the weights in place after each optimizer step. */
public interface Constraint {
  /**
   * Projects {@code w}, the flat row-major weight of Keras shape {@code shape} (a conv kernel is
   * [kernel_size, in_channels/groups, filters], a bias [filters]), in place.
   */
  void apply(float[] w, int[] shape);

  /** Canonical Keras spec that {@link Constraints#parse} reads back to an equal constraint. */
  String spec();
}
