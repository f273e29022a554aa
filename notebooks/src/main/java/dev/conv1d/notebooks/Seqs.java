package dev.conv1d.notebooks;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Seq;

/**
 * Small conversions for notebook cells between Java arrays and Spark's {@code array<array<float>>} sequence columns
 * ({@code [time][channel]}, channels_last). A {@code Row} holds such a column as a Scala {@code Seq} of
 * {@code Seq}s; {@link #matrix} turns it into {@code float[time][channel]}.
 */
public final class Seqs {
  private Seqs() {}

  /** A sequence column of {@code row} as {@code float[time][channel]}. */
  public static float[][] matrix(Row row, String column) {
    Seq<?> outer = row.getSeq(row.fieldIndex(column));
    float[][] m = new float[outer.size()][];
    for (int t = 0; t < m.length; t++) {
      Seq<?> step = (Seq<?>) outer.apply(t);
      m[t] = new float[step.size()];
      for (int c = 0; c < m[t].length; c++) m[t][c] = ((Number) step.apply(c)).floatValue();
    }
    return m;
  }

  /** {@code float[time][channel]} as the nested list {@code createDataFrame} takes for {@code array<array<float>>}. */
  public static List<List<Float>> toList(float[][] m) {
    List<List<Float>> out = new ArrayList<>(m.length);
    for (float[] step : m) {
      List<Float> s = new ArrayList<>(step.length);
      for (float v : step) s.add(v);
      out.add(s);
    }
    return out;
  }

  /** One channel of {@code float[time][channel]} as doubles, for plotting. */
  public static double[] channel(float[][] m, int c) {
    double[] out = new double[m.length];
    for (int t = 0; t < m.length; t++) out[t] = m[t][c];
    return out;
  }

  /** {@code 0, 1, ..., n - 1} as doubles (a time axis). */
  public static double[] range(int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = i;
    return out;
  }
}
