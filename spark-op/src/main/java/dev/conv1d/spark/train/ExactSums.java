package dev.conv1d.spark.train;

import java.io.Serializable;

/**
 * A vector of sums kept as 128-bit fixed-point integers (a signed 64-bit integer part and a 62-bit fraction), so
 * that adding and merging are exact integer operations: associative and commutative, hence the result is
 * bitwise identical whatever order Spark's {@code treeAggregate} merges task results in.
 *
 * <p>Each double is rounded once, on entry, to the grid 2^-62 (floor), which depends only on the value itself.
 * Values with magnitude of 2^62 or more, NaN and infinities make the sums non-finite ({@link #finite()}).
 *
 * <p>{@link #zero()} is an empty identity for {@link #merge}: Spark's {@code treeAggregate} serializes its zero value
 * into every task of every iteration, and a sized zero is two parameter-sized arrays (7 MB for S5's layer).
 */
public final class ExactSums implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double FRAC_SCALE = 0x1p62;
  private static final long FRAC_ONE = 1L << 62;
  private static final double LIMIT = 0x1p62;

  private final long[] hi;
  private final long[] lo;
  private boolean finite = true;

  public ExactSums(int n) {
    hi = new long[n];
    lo = new long[n];
  }

  /** The identity of {@link #merge}, of no size: merging anything into it gives that thing. */
  public static ExactSums zero() {
    return new ExactSums(0);
  }

  public int size() {
    return hi.length;
  }

  public boolean finite() {
    return finite;
  }

  /** sums[i] += v, exactly up to the one rounding of v to 2^-62. */
  public void add(int i, double v) {
    if (v == 0) return;
    if (!(Math.abs(v) < LIMIT)) {
      finite = false;
      return;
    }
    double f = Math.floor(v);
    long ip = (long) f;
    long fp = (long) ((v - f) * FRAC_SCALE); // v - f in [0, 1) is exact; the product is exact; the cast floors
    long l = lo[i] + fp;
    if (l >= FRAC_ONE) {
      l -= FRAC_ONE;
      ip++;
    }
    lo[i] = l;
    hi[i] += ip;
  }

  /** Adds n floats from src[from...] to sums[at...]. */
  public void addAll(int at, float[] src, int from, int n) {
    for (int j = 0; j < n; j++) add(at + j, src[from + j]);
  }

  /** this += other, exactly. Returns this, or {@code o} itself when this is a {@link #zero()}. */
  public ExactSums merge(ExactSums o) {
    if (hi.length == 0 && finite) return o;
    if (o.hi.length == 0 && o.finite) return this;
    if (o.hi.length != hi.length) throw new IllegalArgumentException("size " + o.hi.length + " != " + hi.length);
    finite &= o.finite;
    for (int i = 0; i < hi.length; i++) {
      long l = lo[i] + o.lo[i];
      long c = 0;
      if (l >= FRAC_ONE) {
        l -= FRAC_ONE;
        c = 1;
      }
      lo[i] = l;
      hi[i] += o.hi[i] + c;
    }
    return this;
  }

  /** The sum as a double (one rounding), or NaN when not finite. */
  public double get(int i) {
    if (!finite) return Double.NaN;
    if (hi.length == 0) return 0; // a zero() nothing was merged into: the sum of nothing
    return (double) hi[i] + (double) lo[i] / FRAC_SCALE;
  }
}
