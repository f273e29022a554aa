package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.Shapes;

/** Shape check and spec-based identity shared by all initializers: two that print alike fill alike. */
abstract class BaseInitializer implements Initializer {
  private final String spec;

  BaseInitializer(String spec) {
    this.spec = spec;
  }

  @Override
  public final void fill(float[] w, int[] shape, long seed) {
    Shapes.check(w, shape);
    fillChecked(w, shape, seed);
  }

  /** {@link #fill} after the shape check. */
  abstract void fillChecked(float[] w, int[] shape, long seed);

  @Override
  public final String spec() {
    return spec;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof Initializer && spec.equals(((Initializer) o).spec());
  }

  @Override
  public final int hashCode() {
    return spec.hashCode();
  }

  @Override
  public final String toString() {
    return spec;
  }
}
