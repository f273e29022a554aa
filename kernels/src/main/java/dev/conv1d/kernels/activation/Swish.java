package dev.conv1d.kernels.activation;

/**
 * x * sigmoid(x), tf.keras 2's {@code swish} (TF's {@code silu}); "silu" parses to this same activation and prints
 * as "swish", tf.keras 2's name. Gradient s + x s (1 - s).
 */
final class Swish extends BaseActivation {
  static final Swish INSTANCE = new Swish();

  private Swish() {
    super("swish");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      double x = z[i];
      z[i] = (float) (x * Sigmoid.of(x));
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double x = z[zOff + i];
      double s = Sigmoid.of(x);
      g[gOff + i] = (float) (g[gOff + i] * (s + x * s * (1 - s)));
    }
  }
}
