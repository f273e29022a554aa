package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import dev.conv1d.spark.train.DistributedObjective;
import java.io.Serializable;
import java.util.Iterator;
import java.util.function.LongToIntFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8, data edge cases of a fit: zero rows, empty partitions, one extremely long sequence and 10^6 tiny rows.
 * Rows are made in the tasks from their id with values exact in float, so the data loss the fit sees at its initial
 * weights can be checked against a plain-Java reference computed here from the same formulas: a dropped, truncated
 * or duplicated row or step would change it.
 */
@Timeout(300)
class Conv1DFitEdgeCasesTest extends SparkTestBase {
  private static final int K = 3, C = 2, F = 2;

  /** Input value of channel c at step t of row id, as the SQL below makes it. */
  private static double x(long id, long t, int c) {
    return c == 0 ? ((id + t) % 7 - 3) / 4.0 : (t % 5 - 2) / 2.0;
  }

  /** Label value of filter f at output step t of row id. */
  private static double label(long id, long t, int f) {
    return f == 0 ? ((id * 3 + t) % 5) / 2.0 : -(t % 3);
  }

  /** Row length by id; serializable, as it runs in the tasks. */
  interface Len extends LongToIntFunction, Serializable {}

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("sequence", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
      .add("label", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);

  /**
   * Rows (id, sequence[len(id)][2], label[outLen][2]) with outLen = len for 'same', len - 2 for 'valid' padding,
   * made inside the tasks from the ids of {@code slices} range slices.
   */
  private static Dataset<Row> rows(long n, int slices, Len len, boolean same) {
    MapPartitionsFunction<Long, Row> gen = ids -> new Iterator<Row>() {
      @Override public boolean hasNext() { return ids.hasNext(); }

      @Override public Row next() {
        long id = ids.next();
        int l = len.applyAsInt(id), outLen = same ? l : l - K + 1;
        float[][] x = new float[l][C], y = new float[outLen][F];
        for (int t = 0; t < l; t++) for (int c = 0; c < C; c++) x[t][c] = (float) x(id, t, c);
        for (int t = 0; t < outLen; t++) for (int f = 0; f < F; f++) y[t][f] = (float) label(id, t, f);
        return RowFactory.create(id, x, y);
      }
    };
    return spark.range(0, n, 1, slices).as(Encoders.LONG()).mapPartitions(gen, Encoders.row(SCHEMA));
  }

  private static Conv1D estimator(boolean same) {
    return new Conv1D().setFilters(F).setKernelSize(K).setPadding(same ? "same" : "valid").setMaxIter(2).setSeed(3)
        .setTol(0);
  }

  /**
   * The mse data loss (mean over rows of the mean over steps and filters) of the layer with flat Keras weights
   * theta (kernel [K][C][F], then bias) on rows 0..n-1 of length len(id), in double precision.
   */
  private static double referenceLoss(double[] theta, long n, LongToIntFunction len, boolean same) {
    double total = 0;
    for (long id = 0; id < n; id++) {
      int l = len.applyAsInt(id), outLen = same ? l : l - K + 1, shift = same ? (K - 1) / 2 : 0;
      double row = 0;
      for (int t = 0; t < outLen; t++) {
        for (int f = 0; f < F; f++) {
          double y = theta[K * C * F + f];
          for (int k = 0; k < K; k++) {
            int s = t + k - shift;
            if (s < 0 || s >= l) continue;
            for (int c = 0; c < C; c++) y += theta[(k * C + c) * F + f] * x(id, s, c);
          }
          double d = y - label(id, t, f);
          row += d * d;
        }
      }
      total += row / ((double) outLen * F);
    }
    return total / n;
  }

  private static void assertLossMatches(Conv1D est, Dataset<Row> df, long n, LongToIntFunction len, boolean same,
      int blocks) {
    try (Conv1D.Problem p = est.objective(df)) {
      if (blocks > 0) assertEquals(blocks, p.blockCount(), "training blocks");
      double[] theta = p.initialWeights();
      DistributedObjective.Eval e = p.evaluate(theta);
      double want = referenceLoss(theta, n, len, same);
      assertEquals(want, e.dataLoss, 1e-5 * want, "data loss at the initial weights over " + n + " rows");
    }
    assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "blocks unpersisted");
  }

  @Test
  void zeroRowsFailClearly() {
    Len three = id -> 3;
    for (Dataset<Row> df : java.util.List.of(rows(0, 1, three, false), rows(0, 4, three, false),
        rows(100, 4, three, false).where("id < 0"))) {
      // Channels inferred from the data: the inference finds no row.
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator(false).fit(df));
      assertTrue(e.getMessage().contains("inputCol 'sequence' has no non-null rows to fit on"), e.getMessage());
      // Channels given: the blocking job finds no row.
      e = assertThrows(IllegalArgumentException.class, () -> estimator(false).setInputChannels(C).fit(df));
      assertTrue(e.getMessage().contains("no training rows (the dataset is empty, or every row is a validation row)"),
          e.getMessage());
      assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "no cached blocks left");
    }
  }

  /** Empty partitions contribute nothing: 3 rows in 8 range slices (5 empty) train exactly as in 3 slices. */
  @Test
  void emptyPartitionsChangeNothing() {
    Len len = id -> (int) (4 + id);
    Dataset<Row> sparse = rows(3, 8, len, false), dense = rows(3, 3, len, false);
    assertEquals(8, sparse.rdd().getNumPartitions());
    Conv1DModel a = estimator(false).setMaxIter(3).fit(sparse), b = estimator(false).setMaxIter(3).fit(dense);
    assertArrayEquals(b.weights().kernelView(), a.weights().kernelView());
    assertArrayEquals(b.bias(), a.bias());
    assertArrayEquals(b.summary().objectiveHistory(), a.summary().objectiveHistory());
    assertLossMatches(estimator(false), sparse, 3, len, false, 3);
    // Through a shuffle into 16 partitions, most of them empty: every row is seen.
    assertLossMatches(estimator(false), sparse.repartition(16), 3, len, false, -1);
  }

  /**
   * One sequence of 10^6 steps among short ones. Documented behaviour: a row larger than maxBlockSizeInMB is a block
   * of its own and is trained whole (no windowing), so the fit's memory for it is proportional to its length.
   */
  @Test
  void anExtremelyLongSequenceTrainsWhole() {
    long longLen = 1_000_000;
    Len len = id -> id == 0 ? (int) longLen : (int) (10 + id);
    Dataset<Row> df = rows(4, 2, len, false);
    // Partition 0 holds ids 0 (8 MB of input: a block alone) and 1; partition 1 holds ids 2 and 3.
    assertLossMatches(estimator(false), df, 4, len, false, 3);
    Conv1DModel m = estimator(false).fit(df);
    assertEquals(2, m.summary().totalIterations());
    assertTrue(Double.isFinite(m.summary().objectiveHistory()[1]));
  }

  /** 10^6 rows of 1 to 3 steps ('same' padding): every row is trained on, in blocks of at most 1 MB. */
  @Test
  void aMillionTinyRows() {
    long n = 1_000_000;
    Len len = id -> (int) (1 + id % 3);
    Dataset<Row> df = rows(n, 4, len, true);
    assertLossMatches(estimator(true), df, n, len, true, -1);
    Conv1DModel m = estimator(true).fit(df);
    assertEquals(2, m.summary().totalIterations());
    assertTrue(Double.isFinite(m.summary().objectiveHistory()[1]));
  }
}
