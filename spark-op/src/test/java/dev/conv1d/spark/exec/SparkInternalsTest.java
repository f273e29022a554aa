package dev.conv1d.spark.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The adapter over Spark internals, and the task lifecycle of the execution (broadcast, allocator release). */
class SparkInternalsTest extends SparkTestBase {

  private static Dataset<Row> sample() {
    return spark.sql("SELECT id, transform(sequence(0, CAST(id AS INT)), i -> array(CAST(i AS FLOAT), "
        + "CAST(id AS FLOAT))) AS sequence, concat('t', id) AS tag FROM range(0, 50)").repartition(4);
  }

  @Test
  void internalRowsRoundTripThroughDataFrame() {
    Dataset<Row> df = sample();
    RDD<InternalRow> rows = SparkInternals.internalRows(df);
    assertEquals(4, rows.getNumPartitions());
    Dataset<Row> back = SparkInternals.dataFrame(df, rows, df.schema());
    assertEquals(df.schema(), back.schema());
    assertEquals(df.orderBy("id").collectAsList(), back.orderBy("id").collectAsList());
  }

  @Test
  void rowConvertersRoundTrip() {
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("v", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
        .add("a", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)));
    Row row = RowFactory.create(3, Vectors.dense(1, 2, 3), List.of(List.of(1f, 2f), List.of(3f, 4f)));
    Object internal = SparkInternals.toInternal(schema).apply(row);
    assertTrue(internal instanceof InternalRow);
    Row back = (Row) SparkInternals.toExternal(schema).apply(internal);
    assertEquals(3, back.getInt(0));
    assertEquals(Vectors.dense(1, 2, 3), back.get(1));
    assertEquals(List.of(1f, 2f), back.getList(2).get(0) instanceof List ? back.getList(2).get(0)
        : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) back.getList(2).get(0)));
  }

  /** The weights travel by broadcast: what each task receives (the plan) stays small however large they are. */
  @Test
  void weightsAreBroadcastNotShippedWithTasks() throws IOException {
    SplittableRandom r = new SplittableRandom(1);
    float[][][] kernel = new float[5][64][256]; // 80k weights, 320 KB
    for (float[][] a : kernel) for (float[] b : a) for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble();
    Conv1DModel m = Conv1DModel.fromWeights(kernel, new float[256]);
    org.apache.spark.api.java.JavaSparkContext jsc =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    ExecPlan plan = new ExecPlan(m.spec(), "linear",
        dev.conv1d.spark.schema.InputSchema.resolve(sample().schema(), "sequence", "out", null, 64, false),
        "sequence", ExecPlan.OnInvalid.ERROR, 10, 1 << 20, jsc.broadcast(new WeightsData(m.weights())));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(plan);
    }
    assertTrue(bytes.size() < 4096, "serialized plan is " + bytes.size() + " bytes");
  }

  @Test
  void partialConsumptionReleasesArrowMemory() {
    Conv1DModel m = Conv1DModel.fromWeights(new float[][][] {{{1}, {1}}}, null).setBatchSize(4);
    List<Row> first = m.transform(sample()).limit(3).collectAsList();
    assertEquals(3, first.size());
    // @AfterEach checks that every task allocator was closed although its iterator was not drained.
  }

  @Test
  void downstreamFailureReleasesArrowMemory() {
    Conv1DModel m = Conv1DModel.fromWeights(new float[][][] {{{1}, {1}}}, null).setBatchSize(4);
    Dataset<Row> out = m.transform(sample()).selectExpr("id", "IF(id = 33, raise_error('boom'), size(conv1d)) AS n");
    Exception e = assertThrows(Exception.class, out::collectAsList);
    assertTrue(String.valueOf(e.getMessage()).contains("boom"), e.getMessage());
  }
}
