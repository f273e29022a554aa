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
import dev.conv1d.spark.testing.SparkSessionPerClass;
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
    for (String c : new String[] {"generate", "train", "apply", "evaluate", "demo", "inspect", "import", "export",
        "--master", "--conf"}) {
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
    for (String name : new String[] {"w.npz", "w.npy", "w.h5", "w.weights.h5", "w.keras"}) {
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
    Path namedKeras = tmp.resolve("named.keras");
    CliRun.run("export", gen + "/true_model", "--to", namedKeras.toString(), "--layer", "my_conv").ok();
    assertEquals("my_conv", WeightFiles.read(namedKeras, "my_conv", null, null, null).name());
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

  // ---- train, evaluate, demo ----

  private static double number(String text, String label) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(label)
        + "\\s*([-+0-9.eE]+|NaN)").matcher(text);
    assertTrue(m.find(), "'" + label + "' in\n" + text);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void trainRecoversTheTrueLayerSavesTheModelAndPrintsTheSummary() throws IOException {
    String model = tmp.resolve("trained").toString();
    CliRun t = CliRun.run("train", "-i", gen + "/data", "-o", model, "--filters", "3", "--kernel-size", "3",
        "--padding", "same", "--optimizer", "lbfgs", "--max-iter", "30", "--seed", "3", "--progress", "lines").ok();
    assertTrue(t.out.contains("Training summary (lbfgs)"), t.describe());
    for (String col : new String[] {"objective", "data_loss", "kernel_reg", "bias_reg", "activity_reg", "val_loss",
        "time_ms"}) {
      assertTrue(t.out.contains(col), col + "\n" + t.describe());
    }
    assertTrue(t.out.contains("iterations: ") && t.out.contains("stopped: "), t.describe());
    assertTrue(t.err.contains("train iteration 0: objective "), "plain progress lines\n" + t.describe());
    assertFalse(t.err.contains("\r"), t.describe());
    Conv1DModel m = Conv1DModel.load(model);
    assertEquals("same", m.getPadding());
    assertEquals("prediction", m.getOutputCol());
    // Noise-free labels: the fit finds the true layer.
    CliRun c = CliRun.run("inspect", model, "--compare-to", gen + "/true_weights.npz").ok();
    assertTrue(number(c.out, "relative L2 error") < 1e-2, c.describe());
    // evaluate: the loss is the estimator's data loss, the metrics agree with it.
    CliRun e = CliRun.run("evaluate", "--model", model, "-i", gen + "/data").ok();
    double loss = number(e.out, "loss (mse):"), mse = number(e.out, "mse:");
    assertTrue(loss < 1e-4 && mse < 1e-4, e.describe());
    assertEquals(Math.sqrt(mse), number(e.out, "rmse:"), 1e-4);
    assertTrue(e.out.contains(": 40 rows"), e.describe());
    // the objective after training is the evaluated loss (full batch, no regularizers)
    CliRun again = CliRun.run("train", "-i", gen + "/data", "-o", model, "--filters", "3", "--kernel-size", "3",
        "--padding", "same", "--optimizer", "lbfgs", "--max-iter", "30", "--seed", "3", "--progress", "none",
        "--overwrite").ok();
    assertEquals(stopLine(t.out), stopLine(again.out), "a rerun with the same seed stops the same way");
    assertEquals(number(t.out, "  0  "), number(again.out, "  0  "));
  }

  @Test
  void trainTakesEveryParamByConfigOrParamAndShowsABarOnATerminal() throws IOException {
    Path cfg = tmp.resolve("train-config.json");
    Files.writeString(cfg, "{\"optimizer\": \"adam\", \"maxIter\": 6, \"learningRate\": 0.01, \"filters\": 3,"
        + " \"kernelSize\": 2, \"padding\": \"same\", \"kernelRegularizer\": \"l1(0.5)\"}");
    String model = tmp.resolve("trained-cfg").toString();
    CliRun t = CliRun.run("train", "-i", gen + "/data", "-o", model, "--config", cfg.toString(), "--param",
        "kernelRegularizer=l2(0.01)", "--param", "biasConstraint=non_neg", "--progress", "bar", "--summary-rows",
        "0").ok();
    assertTrue(t.out.contains("Training summary (adam)") && t.out.contains("iterations: 6, stopped: maxIter"),
        t.describe());
    assertEquals(6, t.out.lines().filter(l -> l.matches("\\s+\\d+\\s+[0-9].*")).count(), "all rows\n" + t.describe());
    assertTrue(t.err.contains("\rtrain [") && t.err.contains("6/6") && t.err.contains("loss "), t.describe());
    assertTrue(t.err.endsWith("\n"), "the bar's line is ended");
    // kernel_reg column > 0: l2 from --param replaced the config's l1
    String row = t.out.lines().filter(l -> l.matches("\\s+0\\s+.*")).findFirst().orElseThrow();
    assertTrue(Double.parseDouble(row.trim().split("\\s+")[3]) > 0, row);
    assertEquals(2, Conv1DModel.load(model).getKernelSize());
    for (float b : Conv1DModel.load(model).bias()) assertTrue(b >= 0, "bias constraint non_neg applied");
  }

  @Test
  void trainAndEvaluateReadCsvAndJson() {
    Dataset<Row> df = spark.read().parquet(gen + "/data");
    String csv = tmp.resolve("train.csv").toString(), json = tmp.resolve("train.json").toString();
    df.selectExpr("id", "to_json(sequence) AS sequence", "to_json(label) AS label").coalesce(1).write()
        .option("header", "true").csv(csv);
    df.coalesce(1).write().json(json);
    for (String in : new String[] {csv, json}) {
      String model = tmp.resolve("m-" + Path.of(in).getFileName()).toString();
      CliRun.run("train", "-i", in, "-o", model, "--filters", "3", "--kernel-size", "3", "--padding", "same",
          "--optimizer", "lbfgs", "--max-iter", "30").ok();
      CliRun e = CliRun.run("evaluate", "--model", model, "-i", in).ok();
      assertTrue(number(e.out, "loss (mse):") < 1e-3, e.describe());
    }
  }

  @Test
  void evaluateClassLabelsGivesAccuracy() {
    String cls = tmp.resolve("classes").toString();
    // Class per step = argmax of the true layer's output: the true model is then always right.
    Conv1DModel.load(gen + "/true_model").transform(spark.read().parquet(gen + "/data"))
        .selectExpr("sequence", "transform(prediction, s -> array_position(s, array_max(s)) - 1) AS label")
        .write().parquet(cls);
    CliRun e = CliRun.run("evaluate", "--model", gen + "/true_model", "-i", cls, "--loss",
        "sparse_categorical_crossentropy", "--from-logits", "--json").ok();
    JsonNode j;
    try {
      j = new ObjectMapper().readTree(e.out);
    } catch (IOException ex) {
      throw new AssertionError(e.describe(), ex);
    }
    assertEquals(1.0, j.get("accuracy").asDouble(), 0.0, e.describe());
    assertTrue(j.get("lossValue").asDouble() > 0, e.describe());
    assertNull(j.get("mse"));
  }

  @Test
  void demoRecoversTheFilterAndCleansUp() throws IOException {
    Path work = tmp.resolve("demo");
    CliRun d = CliRun.run("demo", "--work-dir", work.toString(), "--rows", "150", "--length", "12:20", "--max-iter",
        "20", "--seed", "3").ok();
    for (String step : new String[] {"1/4 generate", "2/4 train", "3/4 apply", "4/4 evaluate", "Training summary",
        "rows in: 150, rows out: 150", "loss (mse):"}) {
      assertTrue(d.out.contains(step), step + "\n" + d.describe());
    }
    double rel = number(d.out, "kernel relative L2 error"), cos = number(d.out, "cosine similarity");
    assertTrue(rel < 0.05 && cos > 0.99, d.describe());
    assertTrue(Files.isDirectory(work.resolve("model")) && Files.isDirectory(work.resolve("applied")),
        "a given work dir is kept");
    // deterministic with a seed: the same run prints the same recovery
    CliRun d2 = CliRun.run("demo", "--work-dir", work.toString(), "--rows", "150", "--length", "12:20", "--max-iter",
        "20", "--seed", "3").ok();
    assertEquals(rel, number(d2.out, "kernel relative L2 error"));
    // default: a temporary directory, removed at the end
    Path sys = Path.of(System.getProperty("java.io.tmpdir"));
    long before = countDemoDirs(sys);
    CliRun.run("demo", "--rows", "60", "--length", "10", "--max-iter", "3").ok();
    assertEquals(before, countDemoDirs(sys), "temporary work dir removed");
  }

  private static String stopLine(String out) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("iterations: \\d+, stopped: [^,]+").matcher(out);
    assertTrue(m.find(), out);
    return m.group();
  }

  private static long countDemoDirs(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("conv1d-demo-")).count();
    }
  }
}
