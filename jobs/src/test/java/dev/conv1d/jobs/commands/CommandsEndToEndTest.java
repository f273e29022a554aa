package dev.conv1d.jobs.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.io.WeightFiles;
import dev.conv1d.jobs.testing.CliRun;
import dev.conv1d.jobs.testing.Fixtures;
import dev.conv1d.jobs.testing.SparkSessionPerClass;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command end to end in this JVM, through {@code Main.run} exactly as the jar runs it, on small data with one
 * SparkSession for the class. The Keras and NumPy inputs are the committed fixtures written by
 * src/test/resources/keras/make_fixtures.py (Keras' layouts reproduced with h5py).
 */
class CommandsEndToEndTest extends SparkSessionPerClass {
  @TempDir static Path tmp;
  static String gen;

  @BeforeAll
  static void generate() {
    gen = tmp.resolve("gen").toString();
    CliRun.run("generate", "-o", gen, "--rows", "40", "--length", "6:14", "--channels", "2", "--filters", "3",
        "--kernel-size", "3", "--padding", "same", "--noise", "0", "--seed", "5", "--partitions", "3").ok();
  }

  private static List<Row> sorted(String parquet, String... cols) {
    return spark.read().parquet(parquet).orderBy(org.apache.spark.sql.functions.col("id").cast("long")).select(cols[0], java.util.Arrays.copyOfRange(cols, 1,
        cols.length)).collectAsList();
  }

  /** A nested array column as [steps][channels]. */
  private static float[][] nested(Row r, int i) {
    List<Object> outer = r.getList(i);
    float[][] v = new float[outer.size()][];
    for (int t = 0; t < v.length; t++) {
      List<?> inner = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) outer.get(t));
      v[t] = new float[inner.size()];
      for (int c = 0; c < v[t].length; c++) v[t][c] = (Float) inner.get(c);
    }
    return v;
  }

  @Test
  void helpAndVersion() {
    CliRun h = CliRun.run("--help").ok();
    for (String c : new String[] {"generate", "apply", "inspect", "import", "export", "--master", "--conf"}) {
      assertTrue(h.out.contains(c), h.describe());
    }
    assertTrue(CliRun.run("--version").ok().out.contains("Spark 4.2.0"));
    assertTrue(CliRun.run("import", "--help").ok().out.contains("--layer"));
    assertTrue(CliRun.run("help", "apply").ok().out.contains("--model"));
  }

  @Test
  void generateWritesDataWeightsModelAndSpec() throws IOException {
    Dataset<Row> df = spark.read().parquet(gen + "/data");
    assertEquals(40, df.count());
    assertEquals("id,sequence,label", String.join(",", df.columns()));
    for (Row r : df.collectAsList()) {
      float[][] seq = nested(r, 1), label = nested(r, 2);
      assertTrue(seq.length >= 6 && seq.length <= 14, "length in range");
      assertEquals(seq.length, label.length, "same padding keeps the length");
      assertEquals(2, seq[0].length);
      assertEquals(3, label[0].length);
    }
    LayerWeights w = WeightFiles.read(Path.of(gen, "true_weights.npz"), null, null, null, null);
    assertArrayEquals(new int[] {3, 2, 3}, w.kernelShape());
    assertEquals(3, w.bias().length);
    LayerWeights npy = WeightFiles.read(Path.of(gen, "true_kernel.npy"), null, null, null, null);
    assertArrayEquals(w.kernel(), npy.kernel());
    assertArrayEquals(w.bias(), npy.bias(), "bias from the _bias.npy sibling");
    Conv1DModel truth = Conv1DModel.load(gen + "/true_model");
    assertEquals("same", truth.getPadding());
    assertArrayEquals(w.bias(), truth.bias());
    JsonNode spec = new ObjectMapper().readTree(Path.of(gen, "generate.json").toFile());
    assertEquals(40, spec.get("rows").asInt());
    assertEquals(6, spec.get("minLength").asInt());
    assertEquals("[3,2,3]", spec.get("kernelShape").toString());
  }

  @Test
  void labelsAreTheTrueLayersOutput() {
    String out = tmp.resolve("applied-truth").toString();
    CliRun r = CliRun.run("apply", "--model", gen + "/true_model", "-i", gen + "/data", "-o", out).ok();
    assertTrue(r.out.contains("rows in: 40, rows out: 40"), r.describe());
    for (Row row : sorted(out, "label", "prediction")) {
      float[][] label = nested(row, 0), pred = nested(row, 1);
      assertEquals(label.length, pred.length);
      for (int t = 0; t < label.length; t++) assertArrayEquals(label[t], pred[t], 1e-5f);
    }
  }

  @Test
  void generateIsDeterministicWhateverThePartitioning() {
    String again = tmp.resolve("gen-1part").toString();
    CliRun.run("generate", "-o", again, "--rows", "40", "--length", "6:14", "--channels", "2", "--filters", "3",
        "--padding", "same", "--noise", "0", "--seed", "5", "--partitions", "1").ok();
    assertEquals(sorted(gen + "/data", "id", "sequence", "label"), sorted(again + "/data", "id", "sequence", "label"));
    String other = tmp.resolve("gen-seed6").toString();
    CliRun.run("generate", "-o", other, "--rows", "5", "--length", "8", "--channels", "2", "--seed", "6").ok();
    assertNotEquals(sorted(gen + "/data", "sequence").get(0), sorted(other + "/data", "sequence").get(0));
    // --overwrite replaces
    CliRun.run("generate", "-o", other, "--rows", "3", "--length", "8", "--overwrite").ok();
    assertEquals(3, spark.read().parquet(other + "/data").count());
  }

  @Test
  void applyReadsJsonAndCsvLikeParquet() {
    String json = tmp.resolve("in.json").toString(), csv = tmp.resolve("in.csv").toString();
    spark.read().parquet(gen + "/data").select("id", "sequence").write().json(json);
    spark.read().parquet(gen + "/data").selectExpr("id", "to_json(sequence) AS sequence").write()
        .option("header", "true").csv(csv);
    String fromParquet = tmp.resolve("ap").toString(), fromJson = tmp.resolve("aj").toString(),
        fromCsv = tmp.resolve("ac").toString();
    CliRun.run("apply", "--model", gen + "/true_model", "-i", gen + "/data", "-o", fromParquet).ok();
    assertTrue(CliRun.run("apply", "--model", gen + "/true_model", "-i", json, "-o", fromJson).ok().out
        .contains("rows in: 40, rows out: 40"));
    CliRun.run("apply", "--model", gen + "/true_model", "-i", csv, "--format", "csv", "-o", fromCsv).ok();
    List<Row> want = sorted(fromParquet, "prediction");
    assertEquals(40, want.size());
    for (String other : new String[] {fromJson, fromCsv}) {
      List<Row> got = sorted(other, "prediction");
      for (int i = 0; i < want.size(); i++) {
        float[][] a = nested(want.get(i), 0), b = nested(got.get(i), 0);
        assertEquals(a.length, b.length);
        for (int t = 0; t < a.length; t++) assertArrayEquals(a[t], b[t], 1e-5f, other);
      }
    }
  }

  @Test
  void applyCountsSkippedRowsAndTakesParamOverrides() {
    String bad = tmp.resolve("with-bad-row").toString();
    spark.read().parquet(gen + "/data").select("id", "sequence")
        .union(spark.sql("SELECT 99L AS id, array(array(CAST(1 AS FLOAT), 2, 3)) AS sequence")).write().parquet(bad);
    String out = tmp.resolve("skipped").toString();
    CliRun r = CliRun.run("apply", "--model", gen + "/true_model", "-i", bad, "-o", out, "--handle-invalid", "skip",
        "--output-col", "features", "--param", "batchSize=7").ok();
    assertTrue(r.out.contains("rows in: 41, rows out: 40 (1 invalid rows skipped)"), r.describe());
    assertTrue(List.of(spark.read().parquet(out).columns()).contains("features"));
  }

  @Test
  void inspectTextJsonAndComparison() throws IOException {
    CliRun t = CliRun.run("inspect", gen + "/true_model").ok();
    assertTrue(t.out.contains("kernel (3, 2, 3)"), t.out);
    assertTrue(t.out.matches("(?s).*padding\\s+same.*"), t.out);
    assertTrue(t.out.contains("filter L2 norms:"), t.out);
    JsonNode j = new ObjectMapper().readTree(CliRun.run("inspect", gen + "/true_model", "--json").ok().out);
    assertEquals("[3,2,3]", j.get("kernelShape").toString());
    assertEquals(21, j.get("parameters").asInt());
    assertEquals("same", j.get("params").get("padding").asText());
    assertEquals(18, j.get("kernelStats").get("count").asInt());
    JsonNode c = new ObjectMapper().readTree(CliRun.run("inspect", gen + "/true_model", "--json", "--compare-to",
        gen + "/true_weights.npz").ok().out).get("comparison");
    assertEquals(0.0, c.get("kernel").get("relativeL2Error").asDouble());
    assertEquals(1.0, c.get("kernel").get("cosine").asDouble(), 1e-9);
    assertTrue(CliRun.run("inspect", gen + "/true_model", "--compare-to", gen + "/true_kernel.npy").ok().out
        .contains("relative L2 error 0.000"));
  }

  @Test
  void inspectWeightFiles() throws IOException {
    CliRun k = CliRun.run("inspect", Fixtures.resource("keras/keras3_model.keras").toString(), "--layer", "encoder")
        .ok();
    assertTrue(k.out.contains("conv1d layers [encoder, head]; layer 'encoder'"), k.out);
    assertTrue(k.out.contains("padding=same") && k.out.contains("kernel (3, 2, 4)"), k.out);
    JsonNode j = new ObjectMapper().readTree(CliRun.run("inspect", gen + "/true_weights.npz", "--json").ok().out);
    assertEquals("[3,2,3]", j.get("kernelShape").toString());
    assertFalse(j.has("params"));
  }

  @Test
  void importFromEveryFormat() {
    String npy = tmp.resolve("m-npy").toString();
    CliRun r = CliRun.run("import", "--from", Fixtures.resource("npy/kernel.npy").toString(), "-o", npy).ok();
    assertTrue(r.out.contains("kernel (3, 2, 4), bias (4,)"), r.describe());
    Conv1DModel m = Conv1DModel.load(npy);
    assertArrayEquals(Fixtures.biasA(), m.bias());
    assertEquals(-1.0f + 0.1f * 5, m.kernel()[0][1][1], 1e-6f);

    String npz = tmp.resolve("m-npz").toString();
    CliRun.run("import", "--from", Fixtures.resource("npy/weights_compressed.npz").toString(), "-o", npz,
        "--kernel-key", "w", "--padding", "causal").ok();
    m = Conv1DModel.load(npz);
    assertNull(m.bias());
    assertEquals("causal", m.getPadding());
    assertEquals(false, m.getUseBias());

    String h5 = tmp.resolve("m-h5").toString();
    CliRun.run("import", "--from", Fixtures.resource("keras/keras2_weights.h5").toString(), "--layer", "conv1d_1",
        "-o", h5).ok();
    m = Conv1DModel.load(h5);
    assertEquals("conv1d_1", m.getName());
    assertEquals(3, m.getFilters());
    assertEquals(4, m.getModelInputChannels());

    String w3 = tmp.resolve("m-w3").toString();
    CliRun.run("import", "--from", Fixtures.resource("keras/keras3.weights.h5").toString(), "--layer", "conv1d",
        "-o", w3).ok();
    assertArrayEquals(Fixtures.biasA(), Conv1DModel.load(w3).bias());

    String keras = tmp.resolve("m-keras").toString();
    CliRun.run("import", "--from", Fixtures.resource("keras/keras3_model.keras").toString(), "--layer", "head",
        "-o", keras).ok();
    m = Conv1DModel.load(keras);
    assertEquals("head", m.getName());
    assertEquals("causal", m.getPadding());
    assertEquals(2, m.getDilationRate());
    assertEquals("linear", m.getActivation());

    String override = tmp.resolve("m-keras-valid").toString();
    CliRun.run("import", "--from", Fixtures.resource("keras/keras3_model.keras").toString(), "--layer", "encoder",
        "--padding", "valid", "-o", override).ok();
    m = Conv1DModel.load(override);
    assertEquals("valid", m.getPadding(), "options override the .keras config");
    assertEquals("relu", m.getActivation(), "the rest comes from the config");
  }

  @Test
  void exportRoundTripsThroughEveryWritableFormat() throws IOException {
    Conv1DModel truth = Conv1DModel.load(gen + "/true_model");
    for (String name : new String[] {"w.npz", "w.npy", "w.h5"}) {
      Path file = tmp.resolve("export-" + name);
      CliRun r = CliRun.run("export", gen + "/true_model", "--to", file.toString()).ok();
      assertTrue(r.out.contains("wrote " + file), r.describe());
      String back = tmp.resolve("reimported-" + name).toString();
      CliRun.run("import", "--from", file.toString(), "-o", back).ok();
      Conv1DModel m = Conv1DModel.load(back);
      assertEquals(3, m.getKernelSize());
      for (int k = 0; k < 3; k++) for (int c = 0; c < 2; c++) assertArrayEquals(truth.kernel()[k][c], m.kernel()[k][c]);
      assertArrayEquals(truth.bias(), m.bias(), name);
    }
    assertTrue(Files.exists(tmp.resolve("export-w_bias.npy")));
    Path named = tmp.resolve("named.h5");
    CliRun.run("export", gen + "/true_model", "--to", named.toString(), "--layer", "my_conv").ok();
    assertEquals("my_conv", WeightFiles.read(named, "my_conv", null, null, null).name());
  }

  @Test
  void progressIsABarOnATerminalAndLinesOtherwise() throws InterruptedException {
    for (boolean terminal : new boolean[] {true, false}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.io.PrintStream err = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
      try (dev.conv1d.jobs.spark.Progress p = dev.conv1d.jobs.spark.Progress.start(spark.sparkContext(), err, "job",
          terminal)) {
        spark.range(0, 1000, 1, 8).selectExpr("sum(id)").collectAsList();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.stagesCompleted() < 1 && System.nanoTime() < deadline) Thread.sleep(20);
      }
      String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
      if (terminal) {
        assertTrue(out.contains("\rjob stage ") && out.contains("[######") && out.contains("8/8 tasks"), out);
        assertTrue(out.endsWith("\n"), "the bar's line is ended");
      } else {
        assertFalse(out.contains("\r"), out);
        assertTrue(out.lines().count() <= 10 && out.contains("8/8 tasks"), out);
      }
    }
  }

  @Test
  void globalOptionsBeforeOrAfterTheCommand() {
    CliRun.run("--conf", "spark.sql.shuffle.partitions=3", "inspect", gen + "/true_model").ok();
    CliRun.run("inspect", gen + "/true_model", "--conf", "spark.sql.shuffle.partitions=3").ok();
    CliRun v = CliRun.run("inspect", tmp.resolve("nothing-here").toString(), "--verbose");
    assertEquals(1, v.code);
    assertTrue(v.err.contains("\tat "), "--verbose prints the stack trace\n" + v.describe());
    assertFalse(CliRun.run("inspect", tmp.resolve("nothing-here").toString()).err.contains("\tat "));
  }
}
