package dev.conv1d.kernels.activation;

import dev.conv1d.kernels.keras.SpecIdentity;
import java.util.Objects;

/**
 * Spec-based identity and the tile bounds checks shared by all activations. Each activation writes its own
 * loops: a shared loop calling a virtual f(x) would be megamorphic and keep the JIT from inlining it.
 */
abstract class BaseActivation extends SpecIdentity implements Activation {
  BaseActivation(String spec) {
    super(Activation.class, spec);
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

  /** Checks both tiles of a backward call and returns their common length rows * width. */
  static int span(float[] z, int zOff, float[] g, int gOff, int rows, int width) {
    end(g, gOff, rows, width);
    return end(z, zOff, rows, width) - zOff;
  }
}
