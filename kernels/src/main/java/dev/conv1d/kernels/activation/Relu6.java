package dev.conv1d.kernels.activation;

/** min(max(x, 0), 6); gradient g * (0 < x < 6) as TF's Relu6Grad. */
final class Relu6 extends BaseActivation {
  static final Relu6 INSTANCE = new Relu6();

  private Relu6() {
    super("relu6");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      float x = z[i];
      z[i] = x < 0f ? 0f : (x > 6f ? 6f : x);
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      float x = z[zOff + i];
      g[gOff + i] *= x > 0f && x < 6f ? 1f : 0f;
    }
  }
}
