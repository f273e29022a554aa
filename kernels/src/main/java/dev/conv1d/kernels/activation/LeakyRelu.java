package dev.conv1d.kernels.activation;

import dev.conv1d.kernels.keras.KerasFormat;

/**
 * x for x > 0, negative_slope * x otherwise (TF's LeakyRelu and LeakyReluGrad). The default slope is 0.2, that of
 * {@code tf.nn.leaky_relu} and Keras 3's {@code leaky_relu}; note the tf.keras 2 {@code LeakyReLU} layer defaults
 * to 0.3. Slopes are limited to [0, 1] because {@code tf.nn.leaky_relu} switches to max(x, alpha*x) above 1.
 */
final class LeakyRelu extends BaseActivation {
  static final double DEFAULT_SLOPE = 0.2;
  private final float slope;

  LeakyRelu(double slope) {
    super(slope == DEFAULT_SLOPE ? "leaky_relu"
        : KerasFormat.call("leaky_relu", "negative_slope", KerasFormat.number(slope)));
    this.slope = (float) slope;
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      float x = z[i];
      z[i] = x > 0f ? x : x * slope;
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) g[gOff + i] *= z[zOff + i] > 0f ? 1f : slope;
  }
}
