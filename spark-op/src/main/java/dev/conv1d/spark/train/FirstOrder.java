package dev.conv1d.spark.train;

/**
 * Keras' first-order optimizers on the driver, in double precision with the weights rounded to float after each
 * step (Keras keeps float32 variables).
 * <ul>
 *   <li>adam (tf.keras 2): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 *       w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + epsilon);
 *   <li>sgd: velocity = momentum velocity - lr g; w += velocity, or with nesterov w += momentum velocity - lr g.
 * </ul>
 */
public final class FirstOrder {
  public enum Kind { ADAM, SGD }

  private final Kind kind;
  private final double lr, beta1, beta2, epsilon, momentum;
  private final boolean nesterov;
  /** adam: m and v; sgd: velocity in m. */
  final double[] m, v;
  /** Steps taken. */
  long t;

  public FirstOrder(Kind kind, int n, double lr, double beta1, double beta2, double epsilon, double momentum,
      boolean nesterov) {
    this.kind = kind;
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.m = new double[n];
    this.v = kind == Kind.ADAM ? new double[n] : null;
  }

  public double[] state1() { return m; }
  public double[] state2() { return v; }
  public long steps() { return t; }

  /** Restores the state (from a checkpoint). */
  public void restore(double[] s1, double[] s2, long steps) {
    System.arraycopy(s1, 0, m, 0, m.length);
    if (v != null && s2 != null) System.arraycopy(s2, 0, v, 0, v.length);
    t = steps;
  }

  /** One step on w (float values held as doubles) with gradient g. */
  public void step(double[] w, double[] g) {
    t++;
    if (kind == Kind.ADAM) {
      double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
      for (int i = 0; i < w.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        w[i] = (float) (w[i] - lrT * m[i] / (Math.sqrt(v[i]) + epsilon));
      }
    } else if (momentum == 0) {
      for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - lr * g[i]);
    } else {
      for (int i = 0; i < w.length; i++) {
        m[i] = momentum * m[i] - lr * g[i];
        w[i] = (float) (nesterov ? w[i] + momentum * m[i] - lr * g[i] : w[i] + m[i]);
      }
    }
  }
}
