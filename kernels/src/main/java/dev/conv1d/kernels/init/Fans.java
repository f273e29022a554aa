package dev.conv1d.kernels.init;

/**
 * Keras' {@code _compute_fans}: rank 0 gives 1 and 1, rank 1 [n] gives n and n, rank 2 [in, out] gives in and
 * out, and a conv kernel [..., in, out] multiplies both by the receptive field product(shape[:-2]).
 */
final class Fans {
  private Fans() {}

  static double fanIn(int[] shape) {
    if (shape.length == 0) return 1;
    if (shape.length == 1) return shape[0];
    return (double) shape[shape.length - 2] * receptive(shape);
  }

  static double fanOut(int[] shape) {
    if (shape.length == 0) return 1;
    if (shape.length == 1) return shape[0];
    return (double) shape[shape.length - 1] * receptive(shape);
  }

  private static double receptive(int[] shape) {
    double r = 1;
    for (int i = 0; i < shape.length - 2; i++) r *= shape[i];
    return r;
  }
}
