package dev.conv1d.kernels.activation;

/** exp(x); like TensorFlow it overflows to +inf in float above x ~ 88.7. */
final class Exponential extends BaseActivation {
  static final Exponential INSTANCE = new Exponential();

  private Exponential() {
    super("exponential");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) z[i] = (float) Math.exp(z[i]);
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) g[gOff + i] = (float) (g[gOff + i] * Math.exp(z[zOff + i]));
  }
}
