package dev.conv1d.jobs.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Prediction-vs-label metrics in one pass over (prediction, label) rows: MSE, MAE and RMSE over every label value for
 * regression losses; accuracy for class labels (sparse class indices or one-hot rows: argmax per output step; binary:
 * thresholded element-wise). With pooling the prediction is pooled over steps first, as in training. The loss itself
 * comes from the estimator's own objective, not from here.
 *
 * <p>Predictions and sequence labels come in every shape the transformer and the estimator take: nested
 * ({@code [steps][filters]} for channels_last, {@code [filters][steps]} for channels_first), or flat arrays and
 * Vectors of steps * filters values in that same order; both are brought to {@code [steps][filters]} first. A pooled
 * label is filters values (array or Vector) or, with one filter, a number.
 */
public final class Metrics implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Kind { REGRESSION, SPARSE_CLASSES, ONE_HOT, BINARY }

  private final Kind kind;
  private final String pooling;
  private final double threshold;
  private final int filters;
  private final boolean channelsFirst;

  public Metrics(Kind kind, String pooling, boolean fromLogits, int filters, String dataFormat) {
    this.kind = kind;
    this.pooling = pooling;
    this.threshold = fromLogits ? 0.0 : 0.5;
    this.filters = filters;
    this.channelsFirst = dataFormat.equals("channels_first");
  }

  /** {rows, values, sum of squared errors, sum of absolute errors, correct, predictions} */
  public double[] compute(Dataset<Row> predLabel) {
    Metrics self = this;
    List<double[]> parts = predLabel.mapPartitions((MapPartitionsFunction<Row, double[]>) it -> {
      double[] acc = new double[6];
      while (it.hasNext()) self.add(it.next(), acc);
      return List.of(acc).iterator();
    }, Encoders.javaSerialization(double[].class)).collectAsList();
    double[] total = new double[6];
    for (double[] p : parts) for (int i = 0; i < 6; i++) total[i] += p[i];
    return total;
  }

  void add(Row r, double[] acc) {
    if (r.isNullAt(0) || r.isNullAt(1)) return;
    double[][] pred = steps(r.get(0));
    boolean pooled = !pooling.equals("none");
    if (pooled) pred = new double[][] {pool(pred)};
    acc[0]++;
    Object label = r.get(1);
    if (kind == Kind.SPARSE_CLASSES) {
      double[] cls = pooled ? new double[] {((Number) label).doubleValue()} : vector(label);
      for (int s = 0; s < Math.min(cls.length, pred.length); s++) {
        acc[5]++;
        if (argmax(pred[s]) == (int) cls[s]) acc[4]++;
      }
      return;
    }
    double[][] lab = !pooled ? steps(label)
        : new double[][] {label instanceof Number ? new double[] {((Number) label).doubleValue()} : vector(label)};
    for (int s = 0; s < Math.min(lab.length, pred.length); s++) {
      double[] p = pred[s], l = lab[s];
      if (kind == Kind.ONE_HOT) {
        acc[5]++;
        if (argmax(p) == argmax(l)) acc[4]++;
      }
      for (int f = 0; f < Math.min(p.length, l.length); f++) {
        double d = p[f] - l[f];
        acc[1]++;
        acc[2] += d * d;
        acc[3] += Math.abs(d);
        if (kind == Kind.BINARY) {
          acc[5]++;
          if ((p[f] > threshold) == (l[f] >= 0.5)) acc[4]++;
        }
      }
    }
  }

  private double[] pool(double[][] m) {
    int f = m.length == 0 ? 0 : m[0].length;
    double[] out = new double[f];
    boolean max = pooling.equals("global_max");
    if (max) java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
    for (double[] step : m) for (int i = 0; i < f; i++) out[i] = max ? Math.max(out[i], step[i]) : out[i] + step[i];
    if (!max && m.length > 0) for (int i = 0; i < f; i++) out[i] /= m.length;
    return out;
  }

  private static int argmax(double[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
    return b;
  }

  /** A sequence as [steps][filters], from nested or flat values in this data format. */
  double[][] steps(Object o) {
    List<?> l = list(o);
    if (!l.isEmpty() && !(l.get(0) instanceof Number) && l.get(0) != null) {
      double[][] m = matrix(l);
      return channelsFirst ? transpose(m) : m;
    }
    double[] v = vector(l);
    int n = v.length / filters;
    double[][] m = new double[n][filters];
    for (int t = 0; t < n; t++) {
      for (int f = 0; f < filters; f++) m[t][f] = channelsFirst ? v[f * n + t] : v[t * filters + f];
    }
    return m;
  }

  private static double[][] transpose(double[][] m) {
    int cols = m.length == 0 ? 0 : m[0].length;
    double[][] t = new double[cols][m.length];
    for (int i = 0; i < m.length; i++) for (int j = 0; j < cols; j++) t[j][i] = m[i][j];
    return t;
  }

  static double[][] matrix(Object o) {
    List<?> outer = list(o);
    double[][] m = new double[outer.size()][];
    for (int i = 0; i < m.length; i++) m[i] = vector(outer.get(i));
    return m;
  }

  static double[] vector(Object o) {
    List<?> l = list(o);
    double[] v = new double[l.size()];
    for (int i = 0; i < v.length; i++) v[i] = l.get(i) == null ? Double.NaN : ((Number) l.get(i)).doubleValue();
    return v;
  }

  private static List<?> list(Object o) {
    if (o instanceof List) return (List<?>) o;
    if (o instanceof scala.collection.Seq) return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) o);
    if (o instanceof org.apache.spark.ml.linalg.Vector) {
      double[] a = ((org.apache.spark.ml.linalg.Vector) o).toArray();
      java.util.List<Double> l = new java.util.ArrayList<>(a.length);
      for (double x : a) l.add(x);
      return l;
    }
    throw new IllegalArgumentException("expected an array, got " + (o == null ? "null" : o.getClass().getSimpleName()));
  }

}
