package dev.conv1d.spark.train;

import dev.conv1d.kernels.regularizer.Regularizer;

/** A Keras l1/l2 weight penalty in double precision, value l1*sum|w| + l2*sum w^2 (as the kernels' L1L2). */
final class Penalty {
  private Penalty() {}

  /** Value of the l2 part, plus the l1 part unless {@code smoothOnly}. */
  static double value(Regularizer r, double[] x, int from, int n, boolean smoothOnly) {
    double l1 = smoothOnly ? 0 : r.l1(), l2 = r.l2();
    if (l1 == 0 && l2 == 0) return 0;
    double a = 0, s = 0;
    for (int i = from; i < from + n; i++) {
      a += Math.abs(x[i]);
      s += x[i] * x[i];
    }
    return (l1 == 0 ? 0 : l1 * a) + (l2 == 0 ? 0 : l2 * s);
  }

  /** g += gradient of the l2 part, plus l1*sign(w) unless {@code smoothOnly} (sign(0) = 0, as TensorFlow). */
  static void addGradient(Regularizer r, double[] x, int from, int n, double[] g, boolean smoothOnly) {
    double l1 = smoothOnly ? 0 : r.l1(), l2 = r.l2();
    for (int i = from; i < from + n; i++) {
      if (l1 != 0) g[i] += l1 * Math.signum(x[i]);
      if (l2 != 0) g[i] += 2 * l2 * x[i];
    }
  }
}
