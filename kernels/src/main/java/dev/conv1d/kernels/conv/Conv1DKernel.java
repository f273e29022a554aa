package dev.conv1d.kernels.conv;

/**
 * One compute engine (scalar or SIMD). Every conv1d direction reduces to two GEMM-shaped loops over a gathered,
 * zero-padded, channels_last input window, so an engine implements only those; tiling, padding, layouts,
 * groups and threads live once in the shared driver. Implementations are stateless and thread-safe.
 *
 * <p>Window addressing: the reduction runs over {@code depth} = taps x channels in one flat loop; the input value
 * of output row {@code t} and depth index {@code r} is {@code win[winOff + t*rowStride + offsets[r]]}. The driver
 * builds {@code offsets} once per op (tap k, channel c at {@code k*tapStride + c}). A flat loop matters: C2 keeps
 * vector accumulators in registers across one loop, but spills them across a nested tap/channel loop.
 */
public interface Conv1DKernel {
  /** Short name with the reason it was chosen where relevant, e.g. "panama(256-bit)". */
  String name();

  /**
   * Packs one group's weights into this engine's layout. The source holds {@code w[r*ldw + colOff + f]} for depth
   * index r &lt; depth and output column f &lt; cout.
   */
  float[] pack(float[] w, int colOff, int ldw, int depth, int cout);

  /**
   * out[outOff + t*outRowStride + f] = sum over r &lt; depth of window(t, r) * w(r, f), for t &lt; rows, f &lt; cout.
   * Overwrites (does not accumulate into) the output.
   */
  void convTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] packed,
      float[] out, int outOff, int outRowStride, int rows, int cout);

  /**
   * acc[accOff + r*accRowStride + f] += sum over t &lt; rows of window(t, r) * dz[dzOff + t*dzRowStride + f].
   */
  void kernelGradTile(float[] win, int winOff, int rowStride, int[] offsets, int depth, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride);

  /** out[off + t*stride + j] += b[j] for t &lt; rows, j &lt; cols (the bias; a plain loop here is C2-scalar). */
  void addRowVector(float[] out, int off, int stride, int rows, float[] b, int cols);

  /** sums[j] += in[off + t*stride + j] for t &lt; rows, j &lt; cols (the bias gradient). */
  void addColumnSums(float[] in, int off, int stride, int rows, float[] sums, int cols);

  /**
   * One pass of the squared error and its gradient, over n values: e = y[off + j] - label[lOff + j] (float),
   * g[off + j] = e * gScale, and the sum of e*e in double is returned. {@code g} may be {@code y} (in place). A plain
   * loop is bound by its double reduction chain (about 1 ns a value), as long as a small layer's kernels.
   */
  double squaredError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g);

  /** The same for the absolute error: g[off + j] = signum(e) * gScale, returns the sum of |e| in double. */
  double absoluteError(float[] y, int off, float[] label, int lOff, int n, float gScale, float[] g);
}
