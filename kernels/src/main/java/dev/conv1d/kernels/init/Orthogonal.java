package dev.conv1d.kernels.init;

import dev.conv1d.kernels.keras.KerasFormat;
import dev.conv1d.kernels.spec.Args;
import java.util.Arrays;

/**
 * Keras {@code orthogonal(gain=1.0)}: the weight, flattened to rows = product(shape[:-1]) by cols = shape[-1], is
 * gain times a random matrix with orthonormal columns (or rows, when rows < cols). As Keras does, it takes the QR
 * of a normal (max, min) matrix and multiplies Q by sign(diag(R)), which makes Q Haar-distributed. QR is
 * Householder in double.
 */
final class Orthogonal extends BaseInitializer {
  private final double gain;

  Orthogonal(double gain) {
    super(KerasFormat.call("orthogonal", "gain", KerasFormat.number(gain)));
    this.gain = gain;
  }

  @Override
  void fillChecked(float[] w, int[] shape, long seed) {
    if (shape.length < 2) {
      throw Args.invalid("shape", Arrays.toString(shape), "orthogonal needs a weight of rank >= 2");
    }
    int cols = shape[shape.length - 1];
    int rows = w.length / cols;
    int m = Math.max(rows, cols);
    int n = Math.min(rows, cols);
    double[] q = orthonormalColumns(m, n, new Sampler(seed));
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        // q is m x n column-major; when rows < cols the weight is its transpose
        double v = rows >= cols ? q[j * m + i] : q[i * m + j];
        w[i * cols + j] = (float) (gain * v);
      }
    }
  }

  /** Q of the QR of an m x n (m >= n) standard normal matrix, columns signed so diag(R) > 0; column-major. */
  static double[] orthonormalColumns(int m, int n, Sampler s) {
    double[] a = new double[m * n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[j * m + i] = s.next(); // draw row-major like Keras
    double[] v = new double[m * n]; // Householder vectors, column k in rows k..m-1
    double[] beta = new double[n];
    double[] rSign = new double[n];
    for (int k = 0; k < n; k++) {
      double norm = 0;
      for (int i = k; i < m; i++) norm += a[k * m + i] * a[k * m + i];
      norm = Math.sqrt(norm);
      double x0 = a[k * m + k];
      double alpha = x0 >= 0 ? -norm : norm; // R[k][k]; the sign avoids cancellation in v0
      rSign[k] = alpha >= 0 ? 1 : -1;
      double vv = 0;
      for (int i = k; i < m; i++) {
        double vi = a[k * m + i] - (i == k ? alpha : 0);
        v[k * m + i] = vi;
        vv += vi * vi;
      }
      beta[k] = vv == 0 ? 0 : 2 / vv;
      for (int j = k; j < n; j++) reflect(a, j, v, k, beta[k], m);
    }
    double[] q = new double[m * n];
    for (int j = 0; j < n; j++) q[j * m + j] = 1;
    for (int k = n - 1; k >= 0; k--) for (int j = 0; j < n; j++) reflect(q, j, v, k, beta[k], m);
    for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) q[j * m + i] *= rSign[j];
    return q;
  }

  /** Column j of x (column-major, m rows) := (I - beta v v^T) column j, v being column k of {@code v}. */
  private static void reflect(double[] x, int j, double[] v, int k, double beta, int m) {
    if (beta == 0) return;
    double dot = 0;
    for (int i = k; i < m; i++) dot += v[k * m + i] * x[j * m + i];
    double f = beta * dot;
    for (int i = k; i < m; i++) x[j * m + i] -= f * v[k * m + i];
  }
}
