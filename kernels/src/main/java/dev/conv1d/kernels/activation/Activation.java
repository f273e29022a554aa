package dev.conv1d.kernels.activation;

/**
 * An element-wise (or, for softmax, per-step) activation applied after conv + bias. Kernels apply it to tiles
 * laid out as {@code rows} contiguous rows of {@code width} = filters values, so softmax can see a whole step.
 */
public interface Activation {
  /** Canonical Keras spec that {@link Activations#parse} reads back to an equal activation. */
  String spec();

  /** True for linear (identity): kernels skip both calls. */
  default boolean isLinear() {
    return false;
  }

  /** y = act(z) in place, for {@code rows} rows of {@code width} values starting at {@code off}. */
  void forward(float[] z, int off, int rows, int width);

  /** Overwrites {@code g} (dL/dy) with dL/dz, given the pre-activations {@code z} of the same rows. */
  void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width);
}
