package dev.conv1d.spark.train;

import java.util.ArrayDeque;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Full-batch L-BFGS with a monotone backtracking line search; OWL-QN (Andrew and Gao, 2007) when coordinates carry
 * an l1 strength, as MLlib's LogisticRegression uses for elastic-net: the pseudo-gradient replaces the gradient,
 * the direction is kept in the pseudo-gradient's descent orthant and trial points are projected onto the current
 * orthant, so weights reach exact zeros. Trial points are rounded to float (the layer's precision) and passed
 * through the constraint projection before being evaluated. A step is accepted only when the objective satisfies
 * Armijo's condition and does not increase, so the objective never increases between iterations.
 */
public final class Lbfgs {
  private final int memory;
  private final double[] l1;
  private final Function<double[], DistributedObjective.Eval> fn;
  private final UnaryOperator<double[]> project;
  private final ArrayDeque<double[]> ss = new ArrayDeque<>(), ys = new ArrayDeque<>();
  private double[] x;
  private DistributedObjective.Eval cur;
  private int evaluations;

  /** @param l1 per-coordinate l1 strength (OWL-QN), or null for plain L-BFGS */
  public Lbfgs(int memory, double[] l1, Function<double[], DistributedObjective.Eval> fn,
      UnaryOperator<double[]> project) {
    this.memory = memory;
    this.l1 = l1;
    this.fn = fn;
    this.project = project;
  }

  public void start(double[] x0, DistributedObjective.Eval e0) {
    x = x0.clone();
    cur = e0;
  }

  public double[] x() { return x; }

  /** Correction pairs, oldest first (for checkpoints). */
  public java.util.List<double[]> sHistory() { return new java.util.ArrayList<>(ss); }
  public java.util.List<double[]> yHistory() { return new java.util.ArrayList<>(ys); }

  /** Restores the correction pairs of a checkpoint. */
  public void restoreHistory(java.util.List<double[]> s, java.util.List<double[]> y) {
    ss.clear();
    ys.clear();
    ss.addAll(s);
    ys.addAll(y);
  }
  public DistributedObjective.Eval current() { return cur; }
  public int evaluations() { return evaluations; }

  private double[] grad(DistributedObjective.Eval e) {
    return l1 == null ? e.gradient : e.smoothGradient;
  }

  private double[] pseudoGradient(double[] x, double[] g) {
    if (l1 == null) return g.clone();
    double[] pg = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      double l = l1[i];
      if (l == 0) pg[i] = g[i];
      else if (x[i] > 0) pg[i] = g[i] + l;
      else if (x[i] < 0) pg[i] = g[i] - l;
      else if (g[i] + l < 0) pg[i] = g[i] + l;
      else if (g[i] - l > 0) pg[i] = g[i] - l;
      else pg[i] = 0;
    }
    return pg;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  /** One iteration; false when no decrease could be found (converged or stalled). */
  public boolean iterate() {
    double[] g = grad(cur);
    double[] pg = pseudoGradient(x, g);
    double pgNorm = Math.sqrt(dot(pg, pg));
    if (pgNorm == 0) return false;
    double[] d = direction(pg);
    if (l1 != null) {
      for (int i = 0; i < d.length; i++) if (d[i] * pg[i] >= 0) d[i] = 0;
    }
    if (dot(d, pg) >= 0) {
      ss.clear();
      ys.clear();
      for (int i = 0; i < d.length; i++) d[i] = -pg[i];
    }
    double alpha = ss.isEmpty() ? Math.min(1, 1 / pgNorm) : 1;
    double f0 = cur.objective;
    for (int tries = 0; tries < 40; tries++, alpha *= 0.5) {
      double[] xn = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double v = x[i] + alpha * d[i];
        if (l1 != null && l1[i] != 0) {
          double orth = x[i] != 0 ? Math.signum(x[i]) : Math.signum(-pg[i]);
          if (Math.signum(v) != orth) v = 0;
        }
        xn[i] = (float) v;
      }
      xn = project.apply(xn);
      double dec = 0;
      for (int i = 0; i < x.length; i++) dec += pg[i] * (xn[i] - x[i]);
      DistributedObjective.Eval en = fn.apply(xn);
      evaluations++;
      if (en.objective <= f0 + 1e-4 * Math.min(dec, 0) && en.objective <= f0) {
        double[] s = new double[x.length], y = new double[x.length];
        double[] gn = grad(en);
        for (int i = 0; i < x.length; i++) {
          s[i] = xn[i] - x[i];
          y[i] = gn[i] - g[i];
        }
        if (dot(s, y) > 1e-12 * Math.max(1, dot(y, y))) {
          ss.addLast(s);
          ys.addLast(y);
          if (ss.size() > memory) {
            ss.removeFirst();
            ys.removeFirst();
          }
        }
        boolean moved = dot(s, s) > 0;
        x = xn;
        cur = en;
        return moved;
      }
    }
    return false;
  }

  /** -H pg by the two-loop recursion. */
  private double[] direction(double[] pg) {
    int k = ss.size();
    double[] q = pg.clone();
    double[] a = new double[k], rho = new double[k];
    double[][] s = ss.toArray(new double[0][]), y = ys.toArray(new double[0][]);
    for (int i = k - 1; i >= 0; i--) {
      rho[i] = 1 / dot(y[i], s[i]);
      a[i] = rho[i] * dot(s[i], q);
      for (int j = 0; j < q.length; j++) q[j] -= a[i] * y[i][j];
    }
    if (k > 0) {
      double gamma = dot(s[k - 1], y[k - 1]) / dot(y[k - 1], y[k - 1]);
      for (int j = 0; j < q.length; j++) q[j] *= gamma;
    }
    for (int i = 0; i < k; i++) {
      double b = rho[i] * dot(y[i], q);
      for (int j = 0; j < q.length; j++) q[j] += s[i][j] * (a[i] - b);
    }
    for (int j = 0; j < q.length; j++) q[j] = -q[j];
    return q;
  }

}
