package dev.conv1d.kernels.constraint;

import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.Arrays;

/**
 * The axes a norm constraint reduces over: the project default (each filter's norm, see {@link Constraints}),
 * None (the whole tensor, as Keras' axis=None), or explicit axes, negative ones counting from the end. Explicit
 * axes are kept sorted so equal sets print alike; a single axis prints as an int.
 */
final class Axis {
  static final Axis DEFAULT = new Axis(null, false);
  static final Axis ALL = new Axis(null, true);

  private final int[] axes;
  private final boolean all;

  private Axis(int[] axes, boolean all) {
    this.axes = axes;
    this.all = all;
  }

  /** Explicit axes; fails on a repeated value. */
  static Axis of(int... axes) {
    int[] sorted = axes.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw Args.invalid("axis", Arrays.toString(axes), "repeats axis " + sorted[i]);
      }
    }
    return new Axis(sorted, false);
  }

  /** The literal for the spec, or null for the default (which has none and is left out). */
  String spec() {
    if (axes == null) return all ? "None" : null;
    return axes.length == 1 ? Integer.toString(axes[0]) : KerasFormat.ints(axes);
  }

  /** Which dimensions of a weight of this shape are summed over. */
  boolean[] reduced(int[] shape) {
    int rank = shape.length;
    boolean[] r = new boolean[rank];
    if (all) {
      Arrays.fill(r, true);
    } else if (axes == null) {
      if (rank == 0) throw Args.invalid("axis", "default", "needs a weight of rank >= 1, got shape []");
      if (rank == 1) r[0] = true;
      else Arrays.fill(r, 0, rank - 1, true);
    } else {
      for (int a : axes) {
        int k = a < 0 ? a + rank : a;
        if (k < 0 || k >= rank) {
          throw Args.invalid("axis", a, "out of range for a weight of rank " + rank + " (shape "
              + Arrays.toString(shape) + "): must be in [" + -rank + ", " + (rank - 1) + "]");
        }
        if (r[k]) throw Args.invalid("axis", spec(), "names dimension " + k + " twice for a weight of rank " + rank);
        r[k] = true;
      }
    }
    return r;
  }
}
