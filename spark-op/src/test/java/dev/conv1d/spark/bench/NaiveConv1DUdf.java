package dev.conv1d.spark.bench;

import dev.conv1d.kernels.spec.Conv1DSpec;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The baseline a user would write without this project: a per-row Java UDF on {@code array<array<float>>}
 * (channels_last, groups = 1, one fixed length): the boxed elements Spark hands over are copied to
 * {@code float[][]}, plain loops compute the convolution, and a {@code float[][]} result goes back to Spark, which
 * converts it element by element. Created once per shape, in one of two loop orders:
 *
 * <ul>
 *   <li>{@link Order#DOT}: the formula as written, y[t][f] = b[f] + sum over k, c of x[t*s + k*d - pad][c] *
 *       w[k][c][f]: loops t, f, k, c with a scalar accumulator (C2 does not vectorize the reduction);
 *   <li>{@link Order#AXPY}: loops t, k, c, f, the innermost along the Keras kernel's contiguous filter axis, which
 *       C2 auto-vectorizes: the fastest plain-loop UDF we know of.
 * </ul>
 */
final class NaiveConv1DUdf {
  enum Order { DOT, AXPY }

  private NaiveConv1DUdf() {}

  static UserDefinedFunction create(float[][][] kernel, float[] bias, Conv1DSpec spec, int length, Order order) {
    final int k = spec.kernelSize(), c = spec.inChannels(), f = spec.filters();
    final int stride = spec.strides(), dilation = spec.dilationRate();
    final int outLen = spec.outputLength(length), padLeft = spec.padLeft(length);
    final boolean dot = order == Order.DOT;
    UDF1<scala.collection.Seq<Object>, float[][]> conv = seq -> {
      int len = seq.length();
      if (len != length) throw new IllegalArgumentException("naive UDF built for length " + length + ", got " + len);
      float[][] x = new float[len][c];
      for (int t = 0; t < len; t++) {
        @SuppressWarnings("unchecked")
        scala.collection.Seq<Object> step = (scala.collection.Seq<Object>) seq.apply(t);
        for (int ch = 0; ch < c; ch++) x[t][ch] = (Float) step.apply(ch);
      }
      float[][] y = new float[outLen][f];
      for (int t = 0; t < outLen; t++) {
        float[] yt = y[t];
        if (dot) {
          for (int ff = 0; ff < f; ff++) {
            float sum = bias[ff];
            for (int kk = 0; kk < k; kk++) {
              int q = t * stride - padLeft + kk * dilation;
              if (q < 0 || q >= len) continue;
              for (int ch = 0; ch < c; ch++) sum += x[q][ch] * kernel[kk][ch][ff];
            }
            yt[ff] = sum;
          }
        } else {
          System.arraycopy(bias, 0, yt, 0, f);
          for (int kk = 0; kk < k; kk++) {
            int q = t * stride - padLeft + kk * dilation;
            if (q < 0 || q >= len) continue;
            float[] xq = x[q];
            for (int ch = 0; ch < c; ch++) {
              float xv = xq[ch];
              float[] w = kernel[kk][ch];
              for (int ff = 0; ff < f; ff++) yt[ff] += xv * w[ff];
            }
          }
        }
      }
      return y;
    };
    return functions.udf(conv, DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)));
  }
}
