package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.Shapes;
import dev.conv1d.kernels.keras.SpecIdentity;

/** Shape check and spec-based identity shared by all initializers: two that print alike fill alike. */
abstract class BaseInitializer extends SpecIdentity implements Initializer {
  BaseInitializer(String spec) {
    super(Initializer.class, spec);
  }

  @Override
  public final void fill(float[] w, int[] shape, long seed) {
    Shapes.check(w, shape);
    fillChecked(w, shape, seed);
  }

  /** {@link #fill} after the shape check. */
  abstract void fillChecked(float[] w, int[] shape, long seed);
}
