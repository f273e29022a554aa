package dev.conv1d.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.spark.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.Binarizer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, model loading bad input: corrupt or foreign model directories and impossible metadata give an
 * IllegalArgumentException naming the path and the problem; nothing is sized from the files before it is checked
 * against the data present, no class named in a file is loaded, and nothing hangs.
 */
@Timeout(120)
class Conv1DModelLoadBadInputTest extends SparkTestBase {
  private static final float[][][] KERNEL = {{{1, 0}, {0, 1}}, {{2, 0}, {0, 2}}, {{-1, 1}, {1, -1}}};
  private static final float[] BIAS = {0.5f, -0.5f};

  @TempDir Path tmp;

  private Path saved(String name) throws IOException {
    Path p = tmp.resolve(name);
    Conv1DModel.fromWeights(KERNEL, BIAS).setPadding("same").save(p.toString());
    return p;
  }

  /** Removes Hadoop's .crc files, so the edited file itself is what the reader sees. */
  private static void dropChecksums(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".crc"))::iterator) {
        Files.delete(f);
      }
    }
  }

  private static Path only(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")
          && f.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
    }
  }

  private static void editMetadata(Path model, String from, String to) throws IOException {
    Path f = only(model.resolve("metadata"), "");
    String json = Files.readString(f, StandardCharsets.UTF_8);
    assertTrue(json.contains(from), json);
    Files.writeString(f, json.replace(from, to), StandardCharsets.UTF_8);
    dropChecksums(model);
  }

  private static void assertLoadFails(Path model, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv1DModel.load(model.toString()));
    String m = e.getMessage();
    System.out.println(m); // the messages, for RELIABILITY.md, in the Surefire report
    assertTrue(m.startsWith("Conv1DModel at " + model), m);
    for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
  }

  /** Replaces data/ with one row of the given (possibly impossible) weights. */
  private static void writeWeights(Path model, StructType schema, Object... row) throws IOException {
    spark.createDataFrame(List.of(RowFactory.create(row)), schema).coalesce(1).write().mode("overwrite")
        .parquet(model.resolve("data").toString());
  }

  private static final StructType WEIGHTS = new StructType()
      .add("kernelShape", DataTypes.createArrayType(DataTypes.IntegerType, true), true)
      .add("kernel", DataTypes.createArrayType(DataTypes.FloatType, true), true)
      .add("bias", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  private static List<Float> floats(int n) {
    List<Float> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add((float) i);
    return out;
  }

  @Test
  void missingDirectoryOrMetadata() throws IOException {
    assertLoadFails(tmp.resolve("nowhere"), "no such directory");
    Files.createDirectories(tmp.resolve("empty"));
    assertLoadFails(tmp.resolve("empty"), "no metadata/ directory");
    Path noData = saved("no-data");
    try (Stream<Path> files = Files.walk(noData.resolve("data"))) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
    }
    assertLoadFails(noData, "no data/ directory");
    Path emptyMeta = saved("empty-metadata");
    try (Stream<Path> files = Files.list(emptyMeta.resolve("metadata"))) {
      files.forEach(f -> f.toFile().delete());
    }
    assertLoadFails(emptyMeta, "unreadable metadata/");
  }

  @Test
  void foreignModelDirectory() throws IOException {
    Path other = tmp.resolve("binarizer");
    new Binarizer().setInputCol("x").setOutputCol("y").save(other.toString());
    assertLoadFails(other, "names class 'org.apache.spark.ml.feature.Binarizer'", "expected '" + Conv1DModel.class.getName());
    // Our metadata with another table in data/.
    Path data = saved("foreign-data");
    spark.range(3).write().mode("overwrite").parquet(data.resolve("data").toString());
    assertLoadFails(data, "data/ is not a Conv1DModel weights table", "no column 'kernelShape'");
  }

  @Test
  void garbageMetadata() throws IOException {
    Path m = saved("garbage-json");
    Files.writeString(only(m.resolve("metadata"), ""), "{\"class\": \"dev.conv1d.spark.ml.Conv1DModel\", [[[ not json",
        StandardCharsets.UTF_8);
    dropChecksums(m);
    assertLoadFails(m, "unreadable metadata/");
    Path bin = saved("binary-metadata");
    byte[] junk = new byte[4096];
    new java.util.Random(1).nextBytes(junk);
    Files.write(only(bin.resolve("metadata"), ""), junk);
    dropChecksums(bin);
    assertLoadFails(bin, "unreadable metadata/");
  }

  /** A class named in metadata is never loaded: LoadMarker's static initializer would set a system property. */
  @Test
  void noClassFromTheModelFileIsLoaded() throws IOException {
    for (String cls : List.of(LoadMarker.class.getName(), "java.lang.Runtime", "org.apache.spark.ml.PipelineModel")) {
      Path m = saved("class-" + cls);
      editMetadata(m, "\"class\":\"" + Conv1DModel.class.getName() + "\"", "\"class\":\"" + cls + "\"");
      assertLoadFails(m, "names class '" + cls + "'");
    }
    assertNull(System.getProperty(LoadMarker.PROPERTY), "LoadMarker was initialized");
  }

  @Test
  void truncatedOrCorruptWeightFile() throws IOException {
    Path t = saved("truncated");
    Path pq = only(t.resolve("data"), ".parquet");
    byte[] all = Files.readAllBytes(pq);
    Files.write(pq, Arrays.copyOf(all, all.length / 2));
    dropChecksums(t);
    assertLoadFails(t, "unreadable weights in data/");

    Path z = saved("zero-bytes");
    Files.write(only(z.resolve("data"), ".parquet"), new byte[0]);
    dropChecksums(z);
    assertLoadFails(z, "data/");

    Path g = saved("garbage-parquet");
    byte[] junk = new byte[all.length];
    new java.util.Random(2).nextBytes(junk);
    Files.write(only(g.resolve("data"), ".parquet"), junk);
    dropChecksums(g);
    assertLoadFails(g, "unreadable weights in data/");

    // One flipped byte in the middle, .crc kept: Hadoop's checksum catches it (local FS and HDFS keep them).
    Path flip = saved("flipped");
    Path f = only(flip.resolve("data"), ".parquet");
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x5a;
    Files.write(f, b);
    assertLoadFails(flip, "unreadable weights in data/");
  }

  @Test
  void impossibleShapes() throws IOException {
    Path m = saved("impossible");
    // filters = 2^31 - 1 with 12 values: refused from the sizes, nothing allocated from them.
    writeWeights(m, WEIGHTS, List.of(3, 2, Integer.MAX_VALUE), floats(12), floats(2));
    assertLoadFails(m, "kernel shape [3, 2, 2147483647] needs 12884901882 values but the weights hold 12");
    writeWeights(m, WEIGHTS, List.of(3, -2, 2), floats(12), floats(2));
    assertLoadFails(m, "in_channels/groups = -2 must be >= 1");
    writeWeights(m, WEIGHTS, List.of(0, 2, 2), floats(0), floats(2));
    assertLoadFails(m, "kernel_size = 0 must be >= 1");
    writeWeights(m, WEIGHTS, List.of(3, 2, 3), floats(12), floats(3));
    assertLoadFails(m, "kernel shape [3, 2, 3] needs 18 values but the weights hold 12");
    writeWeights(m, WEIGHTS, List.of(3, 2), floats(12), floats(2));
    assertLoadFails(m, "is not [kernel_size, in_channels/groups, filters]");
    writeWeights(m, WEIGHTS, List.of(3, 2, 2), floats(12), floats(5));
    assertLoadFails(m, "bias has 5 values, expected filters = 2");
    writeWeights(m, WEIGHTS, null, floats(12), floats(2));
    assertLoadFails(m, "kernel shape null");
    List<Float> withNull = floats(12);
    withNull.set(7, null);
    writeWeights(m, WEIGHTS, List.of(3, 2, 2), withNull, floats(2));
    assertLoadFails(m, "kernel value 7 is null");
    // filters = 2^31 literally: it does not fit the int shape column.
    StructType longShape = new StructType()
        .add("kernelShape", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("kernel", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("bias", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    writeWeights(m, longShape, List.of(3L, 2L, 1L << 31), floats(12), floats(2));
    assertLoadFails(m, "column 'kernelShape' has type array<bigint>, expected array<int>");
    // Two rows.
    spark.createDataFrame(List.of(RowFactory.create(List.of(3, 2, 2), floats(12), floats(2)),
        RowFactory.create(List.of(3, 2, 2), floats(12), floats(2))), WEIGHTS).coalesce(1).write().mode("overwrite")
        .parquet(m.resolve("data").toString());
    assertLoadFails(m, "expected one weights row in data/, found more");
  }

  @Test
  void impossibleParams() throws IOException {
    String[][] cases = {
        {"\"batchSize\":-5,", "batchSize"},
        {"\"strides\":0,", "strides"},
        {"\"inputChannels\":2147483648,", "inputChannels"},
        {"\"maxBatchBytes\":-1,", "maxBatchBytes"},
        {"\"padding\":\"full\",", "padding"},
        {"\"noSuchParam\":1,", "noSuchParam"},
    };
    for (int i = 0; i < cases.length; i++) {
      Path m = saved("params-" + i);
      editMetadata(m, "\"paramMap\":{", "\"paramMap\":{" + cases[i][0]);
      assertLoadFails(m, "invalid params in metadata/", cases[i][1]);
    }
  }

  /** Huge but valid limits are caps, not allocation sizes: the model loads and transforms small data. */
  @Test
  void hugeValidLimitsAllocateNothingUpFront() throws IOException {
    Path m = saved("huge-limits");
    editMetadata(m, "\"paramMap\":{", "\"paramMap\":{\"batchSize\":2147483647,\"maxBatchBytes\":4611686018427387904,");
    Conv1DModel loaded = Conv1DModel.load(m.toString());
    assertEquals(Integer.MAX_VALUE, loaded.getBatchSize());
    List<Row> out = loaded.transform(spark.sql("SELECT array(array(1f, 2f), array(3f, 4f), array(5f, 6f)) AS sequence"))
        .collectAsList();
    assertEquals(3, out.get(0).getList(1).size());
  }
}
