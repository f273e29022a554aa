package dev.conv1d.kernels.activation;

/**
 * max(x, 0), written so NaN passes through as in TensorFlow; the gradient is g * (x > 0) as TF's ReluGrad
 * (0 at x = 0; a NaN or infinite g stays NaN).
 */
final class Relu extends BaseActivation {
  static final Relu INSTANCE = new Relu();

  private Relu() {
    super("relu");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) if (z[i] < 0f) z[i] = 0f;
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) g[gOff + i] *= z[zOff + i] > 0f ? 1f : 0f;
  }
}
