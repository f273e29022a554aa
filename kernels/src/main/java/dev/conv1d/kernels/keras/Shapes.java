package dev.conv1d.kernels.keras;

import dev.conv1d.kernels.spec.Args;
import java.util.Arrays;

/** Checks on Keras weight shapes shared by initializers and constraints, which both get flat row-major arrays. */
public final class Shapes {
  private Shapes() {}

  /** Fails unless every dimension is positive and {@code w} holds exactly product(shape) values. */
  public static void check(float[] w, int[] shape) {
    Args.notNull("w", w);
    Args.notNull("shape", shape);
    long n = 1;
    for (int d : shape) {
      if (d <= 0) throw Args.invalid("shape", Arrays.toString(shape), "every dimension must be >= 1");
      n *= d;
      if (n > Integer.MAX_VALUE) throw Args.invalid("shape", Arrays.toString(shape), "exceeds 2^31-1 elements");
    }
    if (n != w.length) {
      throw Args.invalid("shape", Arrays.toString(shape),
          "holds " + n + " elements but the weight array has length " + w.length);
    }
  }
}
