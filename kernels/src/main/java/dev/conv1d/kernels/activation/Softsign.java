package dev.conv1d.kernels.activation;

/** x / (1 + |x|); gradient 1 / (1 + |x|)^2. */
final class Softsign extends BaseActivation {
  static final Softsign INSTANCE = new Softsign();

  private Softsign() {
    super("softsign");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      double x = z[i];
      z[i] = (float) (x / (1 + Math.abs(x)));
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double d = 1 + Math.abs((double) z[zOff + i]);
      g[gOff + i] = (float) (g[gOff + i] / (d * d));
    }
  }
}
