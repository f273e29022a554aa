package dev.conv1d.kernels.activation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Double-precision textbook formulas, written independently of the code under test (erfc here is a Maclaurin
 * series plus a continued fraction, not the production Chebyshev fit).
 */
final class Reference {
  private Reference() {}

  static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** Element-wise activations by canonical spec, with the points where their derivative jumps. */
  static final Map<String, DoubleUnaryOperator> ELEMENTWISE = new LinkedHashMap<>();
  static final Map<String, double[]> KINKS = new LinkedHashMap<>();

  static {
    put("linear", x -> x);
    put("relu", x -> Math.max(x, 0), 0);
    put("relu6", x -> Math.min(Math.max(x, 0), 6), 0, 6);
    put("leaky_relu", x -> x > 0 ? x : 0.2 * x, 0);
    put("leaky_relu(negative_slope=0.01)", x -> x > 0 ? x : 0.01 * x, 0);
    put("elu", x -> x > 0 ? x : Math.expm1(x));
    put("elu(alpha=0.5)", x -> x > 0 ? x : 0.5 * (Math.expm1(x)), 0);
    put("selu", x -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.expm1(x))), 0);
    put("gelu", x -> 0.5 * x * erfc(-x / Math.sqrt(2)));
    put("gelu(approximate=True)",
        x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    put("sigmoid", x -> 1 / (1 + Math.exp(-x)));
    put("hard_sigmoid", x -> Math.min(1, Math.max(0, 0.2 * x + 0.5)), -2.5, 2.5);
    put("tanh", Math::tanh);
    put("softplus", x -> x > 30 ? x + Math.exp(-x) : Math.log1p(Math.exp(x)));
    put("softsign", x -> x / (1 + Math.abs(x)));
    put("swish", x -> x / (1 + Math.exp(-x)));
    put("exponential", Math::exp);
  }

  private static void put(String spec, DoubleUnaryOperator f, double... kinks) {
    ELEMENTWISE.put(spec, f);
    KINKS.put(spec, kinks);
  }

  static void softmax(double[] z, double[] y) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) m = Math.max(m, v);
    double s = 0;
    for (int i = 0; i < z.length; i++) s += Math.exp(z[i] - m);
    for (int i = 0; i < z.length; i++) y[i] = Math.exp(z[i] - m) / s;
  }

  /**
   * erfc good to 3e-9 relative (checked against mpmath): series below 3, continued fraction (evaluated
   * bottom-up) above, reflection for x < 0.
   */
  static double erfc(double x) {
    if (x < 0) return 2 - erfc(-x);
    if (x < 3) {
      double sum = 0;
      double term = x;
      for (int n = 0; n < 80; n++) {
        sum += term / (2 * n + 1);
        term *= -x * x / (n + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    double f = x;
    for (int k = 60; k >= 1; k--) f = x + (k / 2.0) / f;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
}
