package dev.conv1d.kernels.activation;

/** scale * elu(x, alpha) with the self-normalizing constants of Klambauer et al., as Keras spells them. */
final class Selu extends BaseActivation {
  static final double ALPHA = 1.6732632423543772848170429916717;
  static final double SCALE = 1.0507009873554804934193349852946;
  static final Selu INSTANCE = new Selu();

  private Selu() {
    super("selu");
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    for (int i = off; i < end; i++) {
      double x = z[i];
      z[i] = (float) (x > 0 ? SCALE * x : SCALE * ALPHA * Math.expm1(x));
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    for (int i = 0; i < n; i++) {
      double x = z[zOff + i];
      g[gOff + i] = (float) (g[gOff + i] * (x > 0 ? SCALE : SCALE * ALPHA * Math.exp(x)));
    }
  }
}
