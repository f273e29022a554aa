package dev.conv1d.kernels.activation;

/**
 * Softmax over the {@code width} filters of each row (Keras' default axis=-1 on [steps, filters]), with the row
 * maximum subtracted so exp cannot overflow. Backward recomputes y from z rather than storing it, so neither
 * pass allocates: dL/dz = y * (g - sum(g * y)).
 */
final class Softmax extends BaseActivation {
  static final Softmax INSTANCE = new Softmax();

  private Softmax() {
    super("softmax");
  }

  /** Row maximum; a NaN anywhere makes it NaN so the whole row turns NaN, as in TensorFlow. */
  private static float max(float[] a, int from, int to) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) m = Math.max(m, a[i]);
    return m;
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    end(z, off, rows, width);
    for (int r = 0; r < rows; r++) {
      int from = off + r * width;
      int to = from + width;
      double m = max(z, from, to);
      double sum = 0;
      for (int i = from; i < to; i++) sum += Math.exp(z[i] - m);
      double inv = 1 / sum;
      for (int i = from; i < to; i++) z[i] = (float) (Math.exp(z[i] - m) * inv);
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    span(z, zOff, g, gOff, rows, width);
    for (int r = 0; r < rows; r++) {
      int zf = zOff + r * width;
      int gf = gOff + r * width;
      double m = max(z, zf, zf + width);
      double sum = 0;
      for (int i = 0; i < width; i++) sum += Math.exp(z[zf + i] - m);
      double inv = 1 / sum;
      double dot = 0;
      for (int i = 0; i < width; i++) dot += g[gf + i] * Math.exp(z[zf + i] - m) * inv;
      for (int i = 0; i < width; i++) {
        double y = Math.exp(z[zf + i] - m) * inv;
        g[gf + i] = (float) (y * (g[gf + i] - dot));
      }
    }
  }
}
