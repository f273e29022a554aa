package dev.conv1d.kernels.activation;

import java.util.Objects;

/** Spec-based identity shared by all activations: two activations that print alike behave alike. */
abstract class BaseActivation implements Activation {
  private final String spec;

  BaseActivation(String spec) {
    this.spec = spec;
  }

  @Override
  public final String spec() {
    return spec;
  }

  /** Checks the tile bounds once per call and returns the end index (exclusive). */
  static int end(float[] a, int off, int rows, int width) {
    if (rows < 0 || width < 0) {
      throw new IndexOutOfBoundsException("rows = " + rows + ", width = " + width + ": must be >= 0");
    }
    long n = (long) rows * width;
    if (n > Integer.MAX_VALUE) throw new IndexOutOfBoundsException("rows*width = " + n + " exceeds 2^31-1");
    Objects.checkFromIndexSize(off, (int) n, a.length);
    return off + (int) n;
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof Activation && spec.equals(((Activation) o).spec());
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
