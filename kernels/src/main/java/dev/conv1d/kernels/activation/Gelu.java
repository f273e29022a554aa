package dev.conv1d.kernels.activation;

/**
 * Gaussian error linear unit, tf.keras {@code gelu(x, approximate=False)}: x * Phi(x) exactly (through erfc,
 * which keeps large negative x accurate), or with {@code approximate=True} the tanh form
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
final class Gelu extends BaseActivation {
  static final Gelu EXACT = new Gelu(false);
  static final Gelu TANH = new Gelu(true);

  private static final double SQRT_HALF = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;
  private static final double SQRT_2_OVER_PI = 0.7978845608028654;
  private static final double C = 0.044715;

  private final boolean approximate;

  private Gelu(boolean approximate) {
    super(approximate ? "gelu(approximate=True)" : "gelu");
    this.approximate = approximate;
  }

  /** Standard normal CDF. */
  static double phi(double x) {
    return 0.5 * Erf.erfc(-x * SQRT_HALF);
  }

  @Override
  public void forward(float[] z, int off, int rows, int width) {
    int end = end(z, off, rows, width);
    if (approximate) {
      for (int i = off; i < end; i++) {
        double x = z[i];
        z[i] = (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + C * x * x * x))));
      }
    } else {
      for (int i = off; i < end; i++) {
        double x = z[i];
        z[i] = (float) (x * phi(x));
      }
    }
  }

  @Override
  public void backward(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    int n = span(z, zOff, g, gOff, rows, width);
    if (approximate) {
      for (int i = 0; i < n; i++) {
        double x = z[zOff + i];
        double x2 = x * x;
        double t = Math.tanh(SQRT_2_OVER_PI * (x + C * x2 * x));
        double d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * C * x2);
        g[gOff + i] = (float) (g[gOff + i] * d);
      }
    } else {
      for (int i = 0; i < n; i++) {
        double x = z[zOff + i];
        double d = phi(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        g[gOff + i] = (float) (g[gOff + i] * d);
      }
    }
  }
}
