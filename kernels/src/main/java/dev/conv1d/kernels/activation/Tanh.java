package dev.conv1d.kernels.activation;

/** Hyperbolic tangent; the gradient 1 - tanh^2 is recomputed from z. */
final class Tanh extends BaseActivation {
  static final Tanh INSTANCE = new Tanh();

  private Tanh() {
    super("tanh");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) z[i] = (float) Math.tanh(z[i]);
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double t = Math.tanh(z[zOff + i]);
      g[gOff + i] = (float) (g[gOff + i] * (1 - t * t));
    }
  }
}
