package dev.conv1d.kernels.activation;

/**
 * tf.keras 2's piecewise-linear sigmoid clip(0.2 x + 0.5, 0, 1); gradient 0.2 on [-2.5, 2.5] (clip passes the
 * gradient at its bounds), else 0. Keras 3 changed it to relu6(x + 3) / 6 (slope 1/6): this follows tf.keras 2.
 */
final class HardSigmoid extends BaseActivation {
  static final HardSigmoid INSTANCE = new HardSigmoid();

  private HardSigmoid() {
    super("hard_sigmoid");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) z[i] = (float) Math.min(Math.max(0.2 * z[i] + 0.5, 0.0), 1.0);
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double y = 0.2 * z[zOff + i] + 0.5;
      g[gOff + i] *= y >= 0 && y <= 1 ? 0.2f : 0f;
    }
  }
}
