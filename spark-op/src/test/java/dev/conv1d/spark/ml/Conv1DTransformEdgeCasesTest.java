package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8, data edge cases of a transform: zero rows, empty partitions and 10^6 tiny rows, with every row kept
 * (the Arrow leak check of {@link SparkTestBase} runs after each). The extremely long sequence (10^7 steps on a
 * 1 GB executor) is {@code LocalClusterIT.tenMillionStepsInOneGigabyteExecutor}.
 */
@Timeout(300)
class Conv1DTransformEdgeCasesTest extends SparkTestBase {
  private static final float[][][] KERNEL = {{{1, 0, -1}, {0.5f, 2, 0}}, {{0, 1, 1}, {-1, 0, 0.25f}},
      {{2, -1, 0}, {1, 1, 1}}};
  private static final float[] BIAS = {0.5f, -1, 0};

  private static Conv1DModel model() {
    return Conv1DModel.fromWeights(KERNEL, BIAS).setPadding("same");
  }

  private static Dataset<Row> rows(long n, int slices, int maxLen) {
    return spark.range(0, n, 1, slices).selectExpr("id", "transform(sequence(1, 1 + CAST(id % " + maxLen
        + " AS INT)), i -> array(CAST(i AS FLOAT), CAST(id % 7 AS FLOAT) - 3)) AS sequence");
  }

  @Test
  void zeroRows() {
    for (int slices : new int[] {1, 4}) {
      Dataset<Row> out = model().transform(rows(0, slices, 3));
      assertEquals(List.of("id", "sequence", "conv1d"), List.of(out.columns()));
      assertEquals(0, out.collectAsList().size());
      assertEquals(0L, out.count());
    }
    Dataset<Row> filtered = model().transform(rows(100, 4, 3).where("id < 0"));
    assertEquals(0, filtered.collectAsList().size());
  }

  @Test
  void emptyPartitions() {
    List<Row> reference = model().transform(rows(3, 1, 5)).orderBy("id").collectAsList();
    assertEquals(3, reference.size());
    Dataset<Row> shuffled = rows(3, 1, 5).repartition(8);
    assertEquals(8, shuffled.rdd().getNumPartitions());
    assertEquals(reference, model().transform(shuffled).orderBy("id").collectAsList());
    // Empty partitions without a shuffle: 3 rows in 8 range slices.
    assertEquals(reference, model().setBatchSize(1).transform(rows(3, 8, 5)).orderBy("id").collectAsList());
  }

  /** 10^6 rows of 1 to 3 steps: every row comes out with an output of its own length. */
  @Test
  void aMillionTinyRows() {
    long n = 1_000_000;
    Row r = model().transform(rows(n, 4, 3)).selectExpr("count(*)", "sum(size(conv1d))",
        "sum(CAST(size(conv1d) = size(sequence) AS INT))", "count(DISTINCT id)").collectAsList().get(0);
    long steps = 0;
    for (long id = 0; id < n; id++) steps += 1 + id % 3;
    assertEquals(n, r.getLong(0), "rows");
    assertEquals(steps, r.getLong(1), "output steps");
    assertEquals(n, r.getLong(2), "rows whose output has their length ('same' padding)");
    assertEquals(n, r.getLong(3), "distinct ids");
    assertTrue(steps > 0);
  }
}
