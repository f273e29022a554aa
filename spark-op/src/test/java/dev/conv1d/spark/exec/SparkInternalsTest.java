package dev.conv1d.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The adapter over Spark internals, checked against Spark itself: the binary layouts it writes equal, byte for byte,
 * what Spark's own writers produce, and what it reads agrees with Spark's accessors. Also the rule that no other
 * class uses Spark internals, and the task lifecycle of the execution (broadcast, allocator release).
 */
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

  // ---- the UnsafeArrayData layout ----

  private static byte[] bytesOf(ArrayData a) {
    UnsafeArrayData u = (UnsafeArrayData) a;
    byte[] b = new byte[u.getSizeInBytes()];
    Platform.copyMemory(u.getBaseObject(), u.getBaseOffset(), b, Platform.BYTE_ARRAY_OFFSET, b.length);
    return b;
  }

  /** Garbage where the adapter writes, so a byte it forgets shows. */
  private static byte[] dirty(long size) {
    byte[] b = new byte[(int) size];
    Arrays.fill(b, (byte) 0x5A);
    return b;
  }

  private static final long B0 = SparkInternals.BYTE_ARRAY_OFFSET;

  @Test
  void floatArraysAreWrittenAndReadAsSparkDoes() {
    SplittableRandom r = new SplittableRandom(7);
    for (int n : new int[] {0, 1, 2, 3, 7, 8, 63, 64, 65, 129, 1000}) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
      UnsafeArrayData spark = UnsafeArrayData.fromPrimitiveArray(v);
      byte[] ours = dirty(SparkInternals.floatArrayBytes(n));
      SparkInternals.writeFloatArrayHeader(ours, B0, n);
      long values = SparkInternals.valuesAt(ours, B0);
      for (int i = 0; i < n; i++) SparkInternals.putFloat(ours, values + 4L * i, v[i]);
      assertArrayEquals(bytesOf(spark), ours, "array of " + n + " floats");
      ArrayData view = SparkInternals.arrayAt(ours, B0, ours.length);
      assertArrayEquals(v, view.toFloatArray());
      assertEquals(-1, SparkInternals.firstNull(view));
      // Reading Spark's array.
      assertTrue(SparkInternals.isUnsafe(spark));
      Object base = SparkInternals.base(spark);
      long at = SparkInternals.offset(spark);
      assertEquals(n, SparkInternals.elementCount(base, at));
      assertEquals(at + SparkInternals.headerBytes(n), SparkInternals.valuesAt(base, at));
      for (int i = 0; i < n; i++) {
        assertEquals(v[i], Platform.getFloat(base, SparkInternals.valuesAt(base, at) + 4L * i));
      }
    }
    assertFalse(SparkInternals.isUnsafe(new GenericArrayData(new Object[] {1f})));
  }

  /** Spark's own nested arrays: those of a DataFrame's internal rows, written by its UnsafeArrayWriter. */
  @Test
  void arraysOfArraysAreWrittenAndReadAsSparkDoes() {
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a",
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false));
    SplittableRandom r = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    int[][] shapes = {{0, 3}, {1, 1}, {5, 3}, {70, 8}, {3, 65}, {2, 2}};
    for (int id = 0; id < shapes.length; id++) {
      List<List<Float>> outer = new ArrayList<>();
      for (int i = 0; i < shapes[id][0]; i++) {
        List<Float> inner = new ArrayList<>();
        for (int j = 0; j < shapes[id][1]; j++) inner.add((float) r.nextGaussian());
        outer.add(inner);
      }
      rows.add(RowFactory.create(id, outer));
    }
    List<InternalRow> internal = SparkInternals.internalRows(spark.createDataFrame(rows, schema)).toJavaRDD()
        .map(InternalRow::copy).collect();
    assertEquals(shapes.length, internal.size());
    for (InternalRow row : internal) {
      int id = row.getInt(0), outer = shapes[id][0], inner = shapes[id][1];
      ArrayData a = row.getArray(1);
      assertTrue(SparkInternals.isUnsafe(a), "Spark's rows hold unsafe arrays");
      Object base = SparkInternals.base(a);
      long at = SparkInternals.offset(a), slots = SparkInternals.valuesAt(base, at);
      assertEquals(outer, SparkInternals.elementCount(base, at));
      int innerBytes = (int) SparkInternals.floatArrayBytes(inner);
      byte[] ours = dirty(SparkInternals.arrayOfArraysBytes(outer, innerBytes));
      SparkInternals.writeArrayOfArraysHeader(ours, B0, outer, innerBytes);
      long oursSlots = SparkInternals.valuesAt(ours, B0);
      for (int i = 0; i < outer; i++) {
        long in = SparkInternals.innerArrayAt(base, at, slots, i);
        assertEquals(inner, SparkInternals.elementCount(base, in));
        float[] want = a.getArray(i).toFloatArray();
        long mine = SparkInternals.innerArrayAt(ours, B0, oursSlots, i);
        assertEquals(B0 + SparkInternals.firstInnerArray(outer) + (long) i * innerBytes, mine);
        SparkInternals.writeFloatArrayHeader(ours, mine, inner);
        for (int j = 0; j < inner; j++) {
          assertEquals(want[j], Platform.getFloat(base, SparkInternals.valuesAt(base, in) + 4L * j));
          SparkInternals.putFloat(ours, SparkInternals.valuesAt(ours, mine) + 4L * j, want[j]);
        }
      }
      assertArrayEquals(bytesOf(a), ours, "array of " + outer + " arrays of " + inner + " floats");
    }
  }

  @Test
  void firstNullReadsTheBitmapOfUnsafeAndGenericArrays() {
    for (int at : new int[] {-1, 0, 1, 63, 64, 65, 127, 128, 199}) {
      Float[] v = new Float[200];
      for (int i = 0; i < v.length; i++) v[i] = (float) i;
      if (at >= 0) {
        v[at] = null;
        if (at + 5 < v.length) v[at + 5] = null; // a later null does not matter
      }
      Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create((Object) Arrays.asList(v))),
          new StructType().add("a", DataTypes.createArrayType(DataTypes.FloatType, true)));
      ArrayData a = SparkInternals.internalRows(df).toJavaRDD().map(InternalRow::copy).collect().get(0).getArray(0);
      assertTrue(SparkInternals.isUnsafe(a));
      assertEquals(at, SparkInternals.firstNull(a), "unsafe, null at " + at);
      assertEquals(at, SparkInternals.firstNull(new GenericArrayData((Object[]) v)), "generic, null at " + at);
    }
  }

  @Test
  void rowsAreCopiedAndExtended() {
    List<InternalRow> rows = SparkInternals.internalRows(sample()).toJavaRDD().map(InternalRow::copy).collect();
    SparkInternals.Appender appender = new SparkInternals.Appender();
    for (InternalRow row : rows) {
      int size = SparkInternals.unsafeRowBytes(row);
      assertTrue(size > 0, "Spark's rows are unsafe rows");
      byte[] into = dirty(size + 24);
      InternalRow copy = SparkInternals.copyRow(row, into);
      assertEquals(row, copy);
      ArrayData out = UnsafeArrayData.fromPrimitiveArray(new float[] {row.getLong(0), 2f});
      InternalRow joined = appender.append(copy, out);
      assertEquals(4, joined.numFields());
      assertEquals(row.getLong(0), joined.getLong(0));
      assertEquals(row.getUTF8String(2), joined.getUTF8String(2));
      assertArrayEquals(new float[] {row.getLong(0), 2f}, joined.getArray(3).toFloatArray());
      assertTrue(appender.append(copy, null).isNullAt(3));
    }
    assertEquals(-1, SparkInternals.unsafeRowBytes(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(1)));
  }

  /**
   * The one-adapter rule: no other main class's code names Spark's internal packages, classes or private[sql] APIs
   * (InternalRow and ArrayData, the types Catalyst's rows are read through, are allowed).
   */
  @Test
  void noOtherClassUsesSparkInternals() throws IOException {
    List<String> offenders = new ArrayList<>();
    Path main = Path.of("src/main/java");
    assertTrue(Files.isDirectory(main), "run from the spark-op module directory");
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        if (f.getFileName().toString().equals("SparkInternals.java")) continue;
        StringBuilder code = new StringBuilder(); // comments may name internals; code may not
        for (String line : Files.readAllLines(f)) {
          String t = line.strip();
          if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) continue;
          int c = line.indexOf("//");
          code.append(c >= 0 ? line.substring(0, c) : line).append('\n');
        }
        String src = code.toString();
        for (String internal : new String[] {"org.apache.spark.unsafe", "catalyst.expressions", "sql.classic",
            "CatalystTypeConverters", "queryExecution", "internalCreateDataFrame", "UnsafeArrayData", "UnsafeRow",
            "Platform."}) {
          if (src.contains(internal)) offenders.add(main.relativize(f) + " uses " + internal);
        }
      }
    }
    assertEquals(List.of(), offenders);
  }
}
