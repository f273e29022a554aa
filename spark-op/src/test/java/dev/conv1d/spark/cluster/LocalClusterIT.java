package dev.conv1d.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executors in separate JVMs ({@code local-cluster[2,1,1024]}), with the project's classes shipped as jars through
 * {@code spark.jars} as a real deployment ships them: catches closures and classes that only work in one JVM. The
 * same transforms (every input type) run first in local mode; the cluster's rows must equal them. Also transforms one sequence of 10
 * million steps on an executor with a 1 GB heap.
 *
 * <p>Runs under Failsafe after {@code package} (so the shipped spark-op jar is the real artifact), which sets SPARK_HOME and SPARK_SCALA_VERSION for this JVM.
 */
class LocalClusterIT {
  private static final float[][][] KERNEL = {{{1, 0, -1, 2}, {0, 1, 1, -1}}, {{2, 1, 0, 0}, {-1, 0, 1, 1}},
      {{0, 0, 1, -2}, {1, 1, 0, 1}}};
  private static final float[] BIAS = {0.5f, -1, 0, 2};
  private static final String[] QUERIES = {
      // nested channels_last: [len][2]
      "SELECT id, transform(sequence(0, CAST(id % 23 AS INT)), i -> array(CAST(((id * 7 + i * 13) % 17) AS FLOAT) / 8, "
          + "CAST(((id + i * 5) % 11) AS FLOAT) / 4 - 1)) AS sequence, concat('r', id) AS tag FROM range(0, 300)",
      // flat doubles, channels_first: [2][len]
      "SELECT id, transform(sequence(0, 2 * CAST(id % 19 AS INT) + 1), i -> CAST((id * 3 + i * 7) % 13 AS DOUBLE) / 3) "
          + "AS sequence, concat('r', id) AS tag FROM range(0, 300)",
      // nested doubles, channels_first: [2][len]
      "SELECT id, array(transform(sequence(0, CAST(id % 21 AS INT)), i -> CAST((id + i * 3) % 7 AS DOUBLE) / 2), "
          + "transform(sequence(0, CAST(id % 21 AS INT)), i -> CAST((id * 5 + i) % 9 AS DOUBLE) - 4)) AS sequence, "
          + "concat('r', id) AS tag FROM range(0, 300)",
      // flat floats, channels_last: [len * 2]
      "SELECT id, transform(sequence(0, 2 * CAST(id % 17 AS INT) + 1), i -> CAST((id * 11 + i * 3) % 19 AS FLOAT) / 5) "
          + "AS sequence, concat('r', id) AS tag FROM range(0, 300)",
      // a dense Vector, channels_last: [len * 2] (converted below)
      "SELECT id, transform(sequence(0, 2 * CAST(id % 13 AS INT) + 1), i -> CAST((id + i * 7) % 23 AS DOUBLE) / 6) "
          + "AS sequence, concat('r', id) AS tag FROM range(0, 300)"};

  private static SparkSession spark;
  private static final Map<String, List<Row>> LOCAL = new LinkedHashMap<>();
  private static final List<float[]> LOCAL_FIT = new ArrayList<>();
  private static Path killFile;
  private static Path killOnTransformFile;

  /** A fit with mini-batches, activity and weight regularizers and a constraint, over 4 hash partitions. */
  private static List<float[]> fit() {
    float[] kernel = {0.8f, -0.5f, 0f, 0.3f, 0.1f, 0f, -0.7f, 0.2f, 0.5f, 0f, 0f, -0.4f};
    List<Row> rows = dev.conv1d.spark.testing.TrainData.rows(kernel, new float[] {0.2f, -0.1f}, 3, 2, 2, 200, 8,
        20, 0.05, true, 5);
    Dataset<Row> df = dev.conv1d.spark.testing.TrainData.frame(spark, rows, 4);
    Conv1DModel m = new dev.conv1d.spark.ml.Conv1D().setFilters(2).setKernelSize(3).setSeed(3).setMaxIter(8)
        .setLearningRate(0.05).setMiniBatchFraction(0.7).setWeightCol("weight").setKernelRegularizer("l1_l2(l1=0.001, l2=0.01)")
        .setActivityRegularizer("l2(0.001)").setKernelConstraint("max_norm(1.5)").setMaxBlockSizeInMB(0.002).fit(df);
    return List.of(m.weights().kernelCopy(), m.bias(), m.summary().objectiveHistory().length > 0
        ? new float[] {(float) m.summary().objectiveHistory()[7]} : new float[0]);
  }

  /** Each input type with a different layout, padding, stride or dilation. */
  private static Conv1DModel model(int query) {
    Conv1DModel m = Conv1DModel.fromWeights(KERNEL, BIAS).setBatchSize(16).setMaxBatchBytes(8192);
    switch (query) {
      case 0: return m.setPadding("same");
      case 1: return m.setPadding("causal").setDataFormat("channels_first").setInputChannels(2);
      case 2: return m.setPadding("valid").setDataFormat("channels_first");
      case 3: return m.setPadding("same").setStrides(2).setInputChannels(2);
      default: return m.setPadding("causal").setDilationRate(2).setInputChannels(2);
    }
  }

  private static List<Row> run(int query) {
    Dataset<Row> df = spark.sql(QUERIES[query]).repartition(4);
    if (query == 4) df = df.withColumn("sequence", org.apache.spark.ml.functions.array_to_vector(df.col("sequence")));
    return model(query).transform(df).orderBy("id").collectAsList();
  }

  @BeforeAll
  static void localThenCluster() throws IOException {
    assumeTrue(System.getenv("SPARK_SCALA_VERSION") != null && System.getenv("SPARK_HOME") != null,
        "needs SPARK_HOME and SPARK_SCALA_VERSION: run by Failsafe (mvn verify)");
    spark = SparkSession.builder().master("local[2]").appName("local-reference")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    for (int q = 0; q < QUERIES.length; q++) LOCAL.put("q" + q, run(q));
    LOCAL_FIT.addAll(fit());
    spark.stop();

    Path work = Paths.get(System.getProperty("conv1d.test.workDir", "target/local-cluster"));
    Files.createDirectories(work);
    prepareSparkHome(Paths.get(System.getenv("SPARK_HOME")));
    killFile = work.toAbsolutePath().resolve("kill-executor");
    Files.deleteIfExists(killFile);
    killOnTransformFile = work.toAbsolutePath().resolve("kill-executor-on-transform");
    Files.deleteIfExists(killOnTransformFile);
    String jars = jarOf(Conv1DModel.class, work.resolve("conv1d-spark-op.jar")) + ","
        + jarOf(Conv1DOp.class, work.resolve("conv1d-kernels.jar"));
    String flags = System.getProperty("conv1d.test.executorJavaOptions", "");
    spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("local-cluster")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.jars", jars)
        .config("spark.executor.extraJavaOptions", flags + " -Dconv1d.test.killExecutorFile="
            + work.toAbsolutePath().resolve("kill-executor")
            + " -Dconv1d.test.killExecutorOnTransformFile=" + killOnTransformFile)
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
    spark = null;
  }

  /** SPARK_HOME/jars with every dependency jar of this JVM (not the project's own), and an empty RELEASE. */
  private static void prepareSparkHome(Path home) throws IOException {
    Path jars = home.resolve("jars");
    Files.createDirectories(jars);
    Files.write(home.resolve("RELEASE"), new byte[0]);
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(File.pathSeparator)) {
      Path p = Paths.get(entry);
      String name = p.getFileName().toString();
      if (!name.endsWith(".jar") || !Files.isRegularFile(p) || name.startsWith("conv1d-")
          || name.startsWith("surefire")) {
        continue;
      }
      Path link = jars.resolve(name);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, p.toAbsolutePath());
    }
  }

  /** The jar a class was loaded from, or a jar built from its classes directory (as before `package`). */
  private static String jarOf(Class<?> cls, Path target) throws IOException {
    Path src;
    try {
      src = Paths.get(cls.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (Files.isRegularFile(src)) return src.toAbsolutePath().toString();
    try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os);
        Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        jar.putNextEntry(new JarEntry(src.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return target.toAbsolutePath().toString();
  }

  @Test
  void executorsAreSeparateJvms() {
    assertEquals(2, spark.sparkContext().getExecutorMemoryStatus().size() - 1, "two executors besides the driver");
  }

  /** Every input type: nested floats, flat doubles, nested doubles, flat floats, dense Vector. */
  @org.junit.jupiter.params.ParameterizedTest(name = "query {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4})
  void outputEqualsLocalMode(int query) {
    List<Row> got = run(query);
    assertEquals(300, got.size());
    assertEquals(LOCAL.get("q" + query), got);
    assertEquals(300, LOCAL.get("q" + query).size());
  }

  /** The estimator's fit on two executor JVMs equals the local-mode fit bitwise (same data partitioning). */
  @Test
  void fitEqualsLocalMode() {
    List<float[]> got = fit();
    for (int i = 0; i < got.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(LOCAL_FIT.get(i), got.get(i), "part " + i);
    }
  }

  /**
   * Issue 8, executor loss: the first gradient task that finds the kill file calls System.exit in its executor JVM
   * during the fit; Spark relaunches the executor, recomputes the lost cached blocks from lineage and retries the
   * task, and the fit equals the local-mode fit bitwise.
   */
  @Test
  void fitSurvivesAnExecutorExitEqualToLocalMode() throws IOException {
    Files.write(killFile, new byte[0]);
    List<float[]> got;
    try {
      got = fit();
      assertTrue(!Files.exists(killFile), "an executor consumed the kill file (and exited with code 17)");
    } finally {
      Files.deleteIfExists(killFile);
    }
    for (int i = 0; i < got.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(LOCAL_FIT.get(i), got.get(i), "part " + i);
    }
  }

  /**
   * Issue 8, executor loss during a transform: the first transform task that finds the kill file calls System.exit
   * in its executor JVM (the input comes through a shuffle, so that executor's map output is lost too); Spark
   * replaces the executor, recomputes what was lost, retries, and the rows equal local mode.
   */
  @Test
  void transformSurvivesAnExecutorExitEqualToLocalMode() throws IOException {
    Files.write(killOnTransformFile, new byte[0]);
    List<Row> got;
    try {
      got = run(0);
      assertTrue(!Files.exists(killOnTransformFile), "an executor consumed the kill file (and exited with code 19)");
    } finally {
      Files.deleteIfExists(killOnTransformFile);
    }
    assertEquals(300, got.size());
    assertEquals(LOCAL.get("q0"), got);
  }

  /** One sequence of 10 million steps, 1 channel, 4 filters, made and transformed on an executor (1 GB heap). */
  @Test
  void tenMillionStepsInOneGigabyteExecutor() {
    int n = 10_000_000;
    float[][][] kernel = {{{1, 0, 2, -1}}, {{0, 1, 1, 1}}, {{1, 1, 0, -2}}};
    float[] bias = {0, 1, -1, 0.5f};
    Conv1DModel m = Conv1DModel.fromWeights(kernel, bias).setPadding("same").setInputChannels(1)
        .setMaxBatchBytes(1 << 20);
    Dataset<Row> df = spark.sql("SELECT id, transform(sequence(0, " + (n - 1) + "), i -> CAST(i % 17 - 8 AS FLOAT)) "
        + "AS sequence FROM range(0, 1, 1, 1)");
    int[] at = {0, 1, 65535, 65536, 65537, 1_234_567, n / 2, n - 2, n - 1};
    List<String> cols = new ArrayList<>(List.of("size(conv1d) AS n"));
    for (int t : at) for (int f = 0; f < 4; f++) cols.add("conv1d[" + (4L * t + f) + "]");
    Row r = m.transform(df).selectExpr(cols.toArray(new String[0])).collectAsList().get(0);
    assertEquals(4 * n, r.getInt(0));
    int k = 1;
    for (int t : at) {
      for (int f = 0; f < 4; f++) {
        float want = bias[f]; // same padding with kernel 3: taps at t-1, t, t+1
        for (int tap = 0; tap < 3; tap++) {
          long q = (long) t - 1 + tap;
          if (q >= 0 && q < n) want += (q % 17 - 8) * kernel[tap][0][f];
        }
        assertEquals(want, r.getFloat(k++), 0f, "step " + t + " filter " + f);
      }
    }
    assertTrue(k > 1);
  }
}
