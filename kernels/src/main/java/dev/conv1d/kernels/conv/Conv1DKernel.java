package dev.conv1d.kernels.conv;

/**
 * One compute engine (scalar or SIMD). Every conv1d direction reduces to two GEMM-shaped loops over a gathered,
 * zero-padded, channels_last input window, so an engine implements only those; tiling, padding, layouts,
 * groups and threads live once in the shared driver. Implementations are stateless and thread-safe.
 *
 * <p>Window addressing: the input value of output row {@code t}, tap {@code k}, channel {@code c} is
 * {@code win[winOff + t*rowStride + k*tapStride + c]}.
 */
public interface Conv1DKernel {
  /** Short name with the reason it was chosen where relevant, e.g. "panama(256-bit)". */
  String name();

  /**
   * Packs one group's weights into this engine's layout. The source holds
   * {@code w[(k*cin + c)*ldw + colOff + f]} for tap k, channel c and output column f &lt; cout.
   */
  float[] pack(float[] w, int colOff, int ldw, int taps, int cin, int cout);

  /**
   * out[outOff + t*outRowStride + f] = sum over k, c of window(t, k, c) * w(k, c, f), for t &lt; rows, f &lt; cout.
   * Overwrites (does not accumulate into) the output.
   */
  void convTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] packed,
      float[] out, int outOff, int outRowStride, int rows, int cout);

  /**
   * acc[accOff + (k*cin + c)*accRowStride + f] += sum over t &lt; rows of window(t, k, c) * dz[dzOff + t*dzRowStride + f].
   */
  void kernelGradTile(float[] win, int winOff, int rowStride, int tapStride, int taps, int cin, float[] dz,
      int dzOff, int dzRowStride, int rows, int cout, float[] acc, int accOff, int accRowStride);
}
