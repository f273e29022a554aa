package dev.conv1d.kernels.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.conv1d.kernels.tensor.SequenceBatch;

/** Float comparisons with the project's tolerance: |a - e| <= rel * max(1, max|e|). */
public final class Close {
  private Close() {}

  public static double maxAbs(double[] e) {
    double m = 0;
    for (double v : e) m = Math.max(m, Math.abs(v));
    return m;
  }

  /** Returns the max abs error; fails with context when it exceeds the tolerance. */
  public static double check(String what, float[] actual, int aOff, double[] expected, double rel) {
    double scale = Math.max(1.0, maxAbs(expected));
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double a = actual[aOff + i], e = expected[i];
      if (Double.isNaN(e) != Double.isNaN(a)) fail(what + ": NaN mismatch at " + i + ": got " + a + ", want " + e);
      if (Double.isNaN(e)) continue;
      double err = Math.abs(a - e);
      if (Double.isInfinite(e) || Double.isInfinite(a)) {
        if (a != e) fail(what + ": at " + i + ": got " + a + ", want " + e);
        continue;
      }
      worst = Math.max(worst, err);
      if (err > rel * scale) {
        fail(what + ": element " + i + " of " + expected.length + ": got " + a + ", want " + e + " (|err| " + err
            + " > " + rel + " * " + scale + ")");
      }
    }
    return worst;
  }

  public static double check(String what, SequenceBatch actual, SequenceBatch expected, double rel) {
    if (actual.count() != expected.count()) fail(what + ": count " + actual.count() + " != " + expected.count());
    for (int i = 0; i < expected.count(); i++) {
      if (actual.length(i) != expected.length(i)) {
        fail(what + ": sequence " + i + " length " + actual.length(i) + " != " + expected.length(i));
      }
    }
    int n = expected.totalSteps() * expected.channels();
    double[] e = new double[n];
    for (int i = 0; i < n; i++) e[i] = expected.values()[expected.start(0) + i];
    return check(what, actual.values(), actual.start(0), e, rel);
  }

  public static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }
}
