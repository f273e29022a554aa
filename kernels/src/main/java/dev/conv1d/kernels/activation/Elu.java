package dev.conv1d.kernels.activation;

import dev.conv1d.kernels.keras.KerasFormat;

/**
 * x for x > 0, alpha * (exp(x) - 1) otherwise (Keras 2 {@code elu(x, alpha=1.0)}, which scales TF's elu by alpha
 * on the non-positive side, so the gradient at 0 is alpha). expm1 keeps small negative x accurate.
 */
final class Elu extends BaseActivation {
  static final double DEFAULT_ALPHA = 1.0;
  private final double alpha;

  Elu(double alpha) {
    super(alpha == DEFAULT_ALPHA ? "elu" : KerasFormat.call("elu", "alpha", KerasFormat.number(alpha)));
    this.alpha = alpha;
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      float x = z[i];
      if (!(x > 0f)) z[i] = (float) (alpha * Math.expm1(x));
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      float x = z[zOff + i];
      if (!(x > 0f)) g[gOff + i] = (float) (g[gOff + i] * alpha * Math.exp(x));
    }
  }
}
