package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.Shapes;
import dev.conv1d.kernels.keras.SpecIdentity;

/**
 * Keras' norm constraints: w * desired(norm) / (epsilon + norm) per slice, where norm is the L2 norm over the
 * reduced axes (keepdims) and epsilon = 1e-7 is Keras' backend epsilon. Norms and factors are computed in
 * double, then each weight is rounded back to float once.
 */
abstract class NormConstraint extends SpecIdentity implements Constraint {
  static final double EPSILON = 1e-7;
  private final Axis axis;

  NormConstraint(String spec, Axis axis) {
    super(Constraint.class, spec);
    this.axis = axis;
  }

  /** The norm each slice should have, given its current norm. */
  abstract double desired(double norm);

  @Override
  public final void apply(float[] w, int[] shape) {
    Shapes.check(w, shape);
    boolean[] reduced = axis.reduced(shape);
    int rank = shape.length;
    // Stride of each dimension in the array of slice norms: 0 for reduced dimensions.
    int[] stride = new int[rank];
    int groups = 1;
    for (int a = rank - 1; a >= 0; a--) {
      if (!reduced[a]) {
        stride[a] = groups;
        groups *= shape[a];
      }
    }
    double[] acc = new double[groups];
    int[] coord = new int[rank];
    int g = 0;
    for (int i = 0; i < w.length; i++) {
      acc[g] += (double) w[i] * w[i];
      g = next(coord, shape, stride, g);
    }
    for (int k = 0; k < groups; k++) {
      double norm = Math.sqrt(acc[k]);
      acc[k] = desired(norm) / (EPSILON + norm);
    }
    g = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (w[i] * acc[g]);
      g = next(coord, shape, stride, g);
    }
  }

  /** Advances the row-major coordinate and returns the slice index of the next element. */
  private static int next(int[] coord, int[] shape, int[] stride, int g) {
    for (int a = coord.length - 1; a >= 0; a--) {
      if (++coord[a] < shape[a]) return g + stride[a];
      coord[a] = 0;
      g -= stride[a] * (shape[a] - 1);
    }
    return g;
  }
}
