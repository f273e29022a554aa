package dev.conv1d.kernels.regularizer;

/**
 * A Keras weight penalty R(w) = l1 * sum|w| + l2 * sum w^2 added to the loss. Keras' l2 has no 1/2, so its
 * gradient is 2 * l2 * w. The strengths are exposed because an optimizer may handle l1 itself (OWL-QN needs
 * the l1 strength rather than the subgradient).
 */
public interface Regularizer {
  /** The penalty, accumulated in double. */
  double value(float[] w);

  /** grad += dR/dw, with the l1 part l1 * sign(w) and sign(0) = 0 as TensorFlow's gradient of abs. */
  void addGradient(float[] w, float[] grad);

  /** Strength of the sum |w| term (0 when absent). */
  double l1();

  /** Strength of the sum w^2 term (0 when absent). */
  double l2();

  /** Canonical Keras spec that {@link Regularizers#parse} reads back to an equal regularizer. */
  String spec();
}
