package dev.conv1d.kernels.activation;

/**
 * erf and erfc for gelu, which Java lacks. erfc is the Chebyshev fit of Numerical Recipes ({@code erfcc}, relative
 * error below 1.2e-7 for all x >= 0: one exp and a 10-term polynomial). Near 0, where 1 - erfc would lose
 * erf's relative accuracy, erf uses its Maclaurin series instead. Both are good to float precision.
 */
final class Erf {
  private Erf() {}

  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  static double erf(double x) {
    double a = Math.abs(x);
    if (a < 0.5) return series(x);
    double r = 1 - erfcPositive(a);
    return x < 0 ? -r : r;
  }

  static double erfc(double x) {
    if (Math.abs(x) < 0.5) return 1 - series(x);
    return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
  }

  /** erf by 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); for |x| < 0.5 ten terms reach 1e-16. */
  private static double series(double x) {
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n <= 10; n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    return TWO_OVER_SQRT_PI * sum;
  }

  /** Numerical Recipes erfcc for x >= 0 (NaN passes through). */
  private static double erfcPositive(double x) {
    double t = 1 / (1 + 0.5 * x);
    double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return t * Math.exp(-x * x + p);
  }
}
