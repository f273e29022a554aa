package dev.conv1d.kernels.activation;

/**
 * log(1 + exp(x)) as log1p(exp(-|x|)) + max(x, 0), which neither overflows nor loses small values; the gradient
 * is sigmoid(x).
 */
final class Softplus extends BaseActivation {
  static final Softplus INSTANCE = new Softplus();

  private Softplus() {
    super("softplus");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      double x = z[i];
      z[i] = (float) (Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0.0));
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) g[gOff + i] = (float) (g[gOff + i] * Sigmoid.of(z[zOff + i]));
  }
}
