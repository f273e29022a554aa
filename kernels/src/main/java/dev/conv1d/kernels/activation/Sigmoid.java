package dev.conv1d.kernels.activation;

/** 1 / (1 + exp(-x)), evaluated on the side where exp cannot overflow; the gradient is s (1 - s). */
final class Sigmoid extends BaseActivation {
  static final Sigmoid INSTANCE = new Sigmoid();

  private Sigmoid() {
    super("sigmoid");
  }

  /** Overflow-free logistic function; NaN in, NaN out. */
  static double of(double x) {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    double e = Math.exp(x);
    return e / (1 + e);
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) z[i] = (float) of(z[i]);
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double s = of(z[zOff + i]);
      g[gOff + i] = (float) (g[gOff + i] * s * (1 - s));
    }
  }
}
