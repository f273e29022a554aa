package dev.conv1d.kernels.regularizer;

import dev.conv1d.kernels.keras.SpecIdentity;
import dev.conv1d.kernels.spec.Args;

/** The one implementation: l1, l2 and l1_l2 differ only in which strengths are set and how they print. */
final class L1L2 extends SpecIdentity implements Regularizer {
  private final double l1;
  private final double l2;

  L1L2(double l1, double l2, String spec) {
    super(Regularizer.class, spec);
    this.l1 = l1;
    this.l2 = l2;
  }

  @Override
  public double value(float[] w) {
    Args.notNull("w", w);
    double abs = 0;
    double sq = 0;
    for (float v : w) {
      abs += Math.abs(v);
      sq += (double) v * v;
    }
    return (l1 == 0 ? 0 : l1 * abs) + (l2 == 0 ? 0 : l2 * sq);
  }

  @Override
  public void addGradient(float[] w, float[] grad) {
    Args.notNull("w", w);
    Args.notNull("grad", grad);
    if (grad.length != w.length) {
      throw Args.invalid("grad", "length " + grad.length, "must match the weights' length " + w.length);
    }
    // Like Keras, a zero strength contributes no term at all (not 0 * w, which is NaN for infinite w).
    double twoL2 = 2 * l2;
    if (l1 != 0 && l2 != 0) {
      for (int i = 0; i < w.length; i++) grad[i] = (float) (grad[i] + l1 * Math.signum(w[i]) + twoL2 * w[i]);
    } else if (l1 != 0) {
      for (int i = 0; i < w.length; i++) grad[i] = (float) (grad[i] + l1 * Math.signum(w[i]));
    } else if (l2 != 0) {
      for (int i = 0; i < w.length; i++) grad[i] = (float) (grad[i] + twoL2 * w[i]);
    }
  }

  @Override
  public double l1() {
    return l1;
  }

  @Override
  public double l2() {
    return l2;
  }
}
