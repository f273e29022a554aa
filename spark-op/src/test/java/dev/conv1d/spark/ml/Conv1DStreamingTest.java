package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transforming a streaming Dataset runs and gives the same rows as transforming the same data in batch. */
class Conv1DStreamingTest extends SparkTestBase {
  private static final float[][][] KERNEL = {{{0.5f, -1}, {1, 0.25f}, {0, 1}}, {{-0.5f, 1}, {2, 0}, {1, -1}}};
  private static final float[] BIAS = {0.1f, -0.2f};

  @TempDir Path tmp;

  private List<Row> streamed(Dataset<Row> stream, Conv1DModel m, String name) throws TimeoutException,
      StreamingQueryException {
    StreamingQuery q = m.transform(stream).writeStream().format("memory").queryName(name)
        .option("checkpointLocation", tmp.resolve("ckpt-" + name).toString())
        .trigger(Trigger.AvailableNow()).start();
    q.awaitTermination();
    return spark.sql("SELECT * FROM " + name + " ORDER BY id").collectAsList();
  }

  private Dataset<Row> writeInput(String name, String sql) {
    String dir = tmp.resolve(name).toString();
    spark.sql(sql).repartition(3).write().parquet(dir);
    Dataset<Row> batch = spark.read().parquet(dir);
    return batch;
  }

  @Test
  void nestedStreamEqualsBatch() throws Exception {
    String sql = "SELECT id, IF(id = 7, NULL, transform(sequence(0, CAST(id % 9 AS INT)), i -> array(CAST(i AS FLOAT), "
        + "CAST(sin(id + i) AS FLOAT), CAST(cos(i) AS FLOAT)))) AS sequence, concat('r', id) AS tag FROM range(0, 40)";
    Dataset<Row> batch = writeInput("nested", sql);
    Dataset<Row> stream = spark.readStream().schema(batch.schema()).parquet(tmp.resolve("nested").toString());
    assertTrue(stream.isStreaming());
    Conv1DModel m = Conv1DModel.fromWeights(KERNEL, BIAS).setPadding("same").setHandleInvalid("keep");
    List<Row> expected = m.transform(batch).orderBy("id").collectAsList();
    List<Row> got = streamed(stream, m, "nested_out");
    assertEquals(40, got.size(), "rows in = rows out");
    assertEquals(expected, got);
    assertNull(got.get(7).get(3), "the null sequence kept with a null output");
  }

  @Test
  void vectorChannelsFirstStreamEqualsBatch() throws Exception {
    // Lengths 6, 9, ... values: multiples of 3 channels; id 4 has 17 values, not a multiple: skipped.
    String dir = tmp.resolve("vector").toString();
    spark.sql("SELECT id, transform(sequence(0, IF(id = 4, 16, CAST(3 * (id % 5) + 5 AS INT))), "
        + "i -> sin(i * 0.3 + id)) AS values FROM range(0, 25)")
        .select(org.apache.spark.sql.functions.col("id"),
            org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.col("values")).as("sequence"))
        .repartition(3).write().parquet(dir);
    Dataset<Row> batch = spark.read().parquet(dir);
    Dataset<Row> stream = spark.readStream().schema(batch.schema()).parquet(tmp.resolve("vector").toString());
    Conv1DModel m = Conv1DModel.fromWeights(KERNEL, BIAS).setDataFormat("channels_first").setInputChannels(3)
        .setHandleInvalid("skip").setStrides(2);
    List<Row> expected = m.transform(batch).orderBy("id").collectAsList();
    List<Row> got = streamed(stream, m, "vector_out");
    assertEquals(expected, got);
    assertEquals(24, got.size(), "only the bad row is skipped");
  }
}
