package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.testing.CliRun;
import dev.conv1d.jobs.testing.Fixtures;
import dev.conv1d.spark.testing.SparkSessionPerClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input for every command: one clear line on stderr naming the problem, exit 1 (or 2 for a bad command line),
 * no stack trace. Keras inputs are the committed make_fixtures.py fixtures.
 */
class BadInputTest extends SparkSessionPerClass {
  @TempDir static Path tmp;
  static String gen;
  static String model;

  @BeforeAll
  static void data() {
    gen = tmp.resolve("gen").toString();
    CliRun.run("generate", "-o", gen, "--rows", "12", "--length", "8", "--channels", "2", "--filters", "3").ok();
    model = gen + "/true_model";
  }

  private static String res(String name) {
    return Fixtures.resource(name).toString();
  }

  @Test
  void commandLine() {
    CliRun.run().failsWith(2, "missing command");
    CliRun.run("frobnicate").failsWith(2, "Unmatched argument");
    CliRun.run("--conf", "no-equals-sign", "inspect", model).failsWith(2, "--conf expects key=value");
    CliRun.run("inspect").failsWith(2, "Missing required parameter");
  }

  @Test
  void generate() {
    String out = tmp.resolve("g").toString();
    CliRun.run("generate").failsWith(2, "Missing required option: '--out=DIR'");
    CliRun.run("generate", "-o", out, "--rows", "many").failsWith(2, "Invalid value for option '--rows'");
    CliRun.run("generate", "-o", out, "--bogus").failsWith(2, "Unknown option: '--bogus'");
    CliRun.run("generate", "-o", out, "--length", "9:3").failsWith(1, "MIN <= MAX");
    CliRun.run("generate", "-o", out, "--length", "long").failsWith(1, "--length expects N or MIN:MAX");
    CliRun.run("generate", "-o", out, "--length", "2", "--kernel-size", "5").failsWith(1, "give no output");
    CliRun.run("generate", "-o", out, "--padding", "diagonal").failsWith(1, "padding");
    CliRun.run("generate", "-o", out, "--activation", "wobbly").failsWith(1, "--activation");
    CliRun.run("generate", "-o", out, "--kernel-initializer", "nope").failsWith(1, "initializer");
    CliRun.run("generate", "-o", out, "--noise", "-1").failsWith(1, "--noise must be >= 0");
    CliRun.run("generate", "-o", gen).failsWith(1, "already exists (use --overwrite");
  }

  @Test
  void apply() {
    String out = tmp.resolve("a").toString();
    CliRun.run("apply", "--model", tmp.resolve("none").toString(), "-i", gen + "/data", "-o", out)
        .failsWith(1, "no such model directory");
    CliRun.run("apply", "--model", gen + "/data", "-i", gen + "/data", "-o", out)
        .failsWith(1, "not a saved Conv1DModel");
    CliRun.run("apply", "--model", model, "-i", tmp.resolve("none").toString(), "-o", out)
        .failsWith(1, "no such input");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--input-col", "seq")
        .failsWith(1, "column 'seq' not found in " + gen + "/data (columns: id, sequence, label)");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--output-col", "label")
        .failsWith(1, "output column 'label' already exists");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", gen + "/data")
        .failsWith(1, "already exists (use --overwrite");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--param", "nope=1")
        .failsWith(1, "unknown param 'nope'");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--param", "batchSize")
        .failsWith(1, "--param expects name=value");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--padding", "diagonal")
        .failsWith(1, "invalid value for param padding: 'diagonal'");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--batch-size", "lots")
        .failsWith(2, "Invalid value for option '--batch-size'");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--input-col", "id")
        .failsWith(1, "input column 'id' has type bigint");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", out, "--format", "xml")
        .failsWith(2, "Invalid value for option '--format'");
  }

  @Test
  void applyOnRowsTheModelCannotRead() {
    String bad = tmp.resolve("three-channels").toString();
    spark.sql("SELECT 1L AS id, array(array(CAST(1 AS FLOAT), 2, 3)) AS sequence").write().parquet(bad);
    String out = tmp.resolve("a3").toString();
    CliRun.run("apply", "--model", model, "-i", bad, "-o", out)
        .failsWith(1, "step 0 has 3 channels; expected 2");
    org.junit.jupiter.api.Assertions.assertFalse(Files.exists(Path.of(out)), "no partial output left behind");
    CliRun.run("apply", "--model", model, "-i", bad, "-o", out, "--handle-invalid", "keep").ok();
  }

  @Test
  void applyConfigFile() throws IOException {
    Path cfg = tmp.resolve("params.json");
    Files.writeString(cfg, "{\"padding\": \"same\", \"strides\": \"x\"}");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", tmp.resolve("c").toString(), "--config",
        cfg.toString()).failsWith(1, "param strides expects a number, got 'x'");
    Files.writeString(cfg, "{not json");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", tmp.resolve("c").toString(), "--config",
        cfg.toString()).failsWith(1, "not valid JSON");
    CliRun.run("apply", "--model", model, "-i", gen + "/data", "-o", tmp.resolve("c").toString(), "--config",
        tmp.resolve("absent.json").toString()).failsWith(1, "no such config file");
  }

  @Test
  void inspect() {
    CliRun.run("inspect", tmp.resolve("none").toString()).failsWith(1, "no such model directory");
    CliRun.run("inspect", gen).failsWith(1, "not a saved Conv1DModel");
    CliRun.run("inspect", res("keras/keras2_weights.h5")).failsWith(1, "choose one with --layer");
    CliRun.run("inspect", res("npy/int32.npy")).failsWith(1, "unsupported dtype");
    CliRun.run("inspect", model, "--compare-to", tmp.resolve("w.npz").toString()).failsWith(1, "no such weights file");
    CliRun.run("inspect", model, "--compare-to", res("keras/keras2_weights.h5"), "--layer", "conv1d_1")
        .failsWith(1, "cannot compare: model kernel (3, 2, 3) vs reference kernel (2, 4, 3)");
  }

  @Test
  void importWeights() throws IOException {
    String out = tmp.resolve("i").toString();
    CliRun.run("import", "--from", tmp.resolve("w.npz").toString(), "-o", out).failsWith(1, "no such weights file");
    Path txt = tmp.resolve("w.txt");
    Files.writeString(txt, "1 2 3");
    CliRun.run("import", "--from", txt.toString(), "-o", out).failsWith(1, "unknown weights file type");
    CliRun.run("import", "--from", res("npy/int32.npy"), "-o", out).failsWith(1, "unsupported dtype '<i4'");
    CliRun.run("import", "--from", res("npy/fortran.npy"), "-o", out).failsWith(1, "Fortran-order");
    CliRun.run("import", "--from", res("npy/scalar.npy"), "-o", out)
        .failsWith(1, "a conv1d kernel has shape (kernel_size, in_channels, filters), got ()");
    CliRun.run("import", "--from", res("npy/weights.npz"), "--kernel-key", "k", "-o", out)
        .failsWith(1, "no array 'k' (arrays: [kernel, bias])");
    CliRun.run("import", "--from", res("keras/keras2_weights.h5"), "-o", out).failsWith(1, "choose one with --layer");
    CliRun.run("import", "--from", res("keras/keras2_weights.h5"), "--layer", "dense", "-o", out)
        .failsWith(1, "no conv1d layer 'dense' (conv1d layers: [conv1d, conv1d_1])");
    CliRun.run("import", "--from", res("keras/keras3_model.keras"), "--layer", "decoder", "-o", out)
        .failsWith(1, "no conv1d layer 'decoder' (conv1d layers: encoder (stored as conv1d), head (stored as conv1d_1))");
    CliRun.run("import", "--from", res("keras/keras3.weights.h5"), "--layer", "conv1d", "-o", out, "--groups", "3")
        .failsWith(1, "groups");
    CliRun.run("import", "--from", res("npy/weights.npz"), "-o", out, "--strides", "0")
        .failsWith(1, "invalid value for param strides: '0'");
    Path junk = tmp.resolve("junk.h5");
    Files.writeString(junk, "not hdf5");
    CliRun.run("import", "--from", junk.toString(), "-o", out).failsWith(1, "not a readable HDF5 file");
    CliRun.run("import", "--from", res("npy/weights.npz"), "-o", model).failsWith(1, "already exists");
    CliRun.run("import", "-o", out).failsWith(2, "Missing required option: '--from=FILE'");
  }

  @Test
  void exportWeights() throws IOException {
    CliRun.run("export", model, "--to", tmp.resolve("w.txt").toString()).failsWith(1, "unknown weights file type");
    String leaky = tmp.resolve("leaky").toString();
    CliRun.run("import", "--from", res("npy/weights.npz"), "-o", leaky, "--activation", "leaky_relu(negative_slope=0.1)").ok();
    CliRun.run("export", leaky, "--to", tmp.resolve("m.keras").toString())
        .failsWith(1, "activation 'leaky_relu(negative_slope=0.1)' has arguments");
    CliRun.run("export", tmp.resolve("none").toString(), "--to", tmp.resolve("w.npz").toString())
        .failsWith(1, "no such model directory");
    Path existing = tmp.resolve("exists.npz");
    Files.writeString(existing, "x");
    CliRun.run("export", model, "--to", existing.toString()).failsWith(1, "already exists (use --overwrite");
    CliRun.run("export", model).failsWith(2, "Missing required option: '--to=FILE'");
  }

  @Test
  void train() throws IOException {
    String out = tmp.resolve("t").toString(), data = gen + "/data";
    CliRun.run("train", "-i", data, "-o", out).failsWith(1, "--filters is required");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3").failsWith(1, "--kernel-size is required");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--label-col", "target")
        .failsWith(1, "column 'target' not found in " + data + " (columns: id, sequence, label)");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--label-col", "id")
        .failsWith(1, "label column 'id'");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--input-col", "id")
        .failsWith(1, "'id' has type bigint");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--optimizer", "rmsprop")
        .failsWith(1, "invalid value for param optimizer: 'rmsprop'");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--param", "maxIter=-2")
        .failsWith(1, "invalid value for param maxIter: '-2'");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--param", "learningRate=fast")
        .failsWith(1, "param learningRate expects a number, got 'fast'");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--kernel-regularizer", "l3(1)")
        .failsWith(1, "kernelRegularizer");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--max-iter", "many")
        .failsWith(2, "Invalid value for option '--max-iter'");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "4", "--kernel-size", "3")
        .failsWith(1, "labelCol 'label': step 0 has 3 channels; expected 4");
    CliRun.run("train", "-i", tmp.resolve("none").toString(), "-o", out, "--filters", "3", "--kernel-size", "3")
        .failsWith(1, "no such input");
    CliRun.run("train", "-i", data, "-o", gen, "--filters", "3", "--kernel-size", "3")
        .failsWith(1, "already exists (use --overwrite");
    Path cfg = tmp.resolve("bad-train.json");
    Files.writeString(cfg, "{\"pooling\": \"global_median\"}");
    CliRun.run("train", "-i", data, "-o", out, "--filters", "3", "--kernel-size", "3", "--config", cfg.toString())
        .failsWith(1, "invalid value for param pooling: 'global_median'");
    org.junit.jupiter.api.Assertions.assertFalse(Files.exists(Path.of(out)), "nothing saved by a failed train");
  }

  @Test
  void evaluate() {
    String data = gen + "/data";
    CliRun.run("evaluate", "--model", tmp.resolve("none").toString(), "-i", data)
        .failsWith(1, "no such model directory");
    CliRun.run("evaluate", "--model", model, "-i", data, "--label-col", "target")
        .failsWith(1, "column 'target' not found");
    CliRun.run("evaluate", "--model", model, "-i", data, "--label-col", "id").failsWith(1, "label column 'id'");
    CliRun.run("evaluate", "--model", model, "-i", data, "--loss", "hinge").failsWith(1, "invalid value for param loss");
    CliRun.run("evaluate", "--model", model, "-i", data, "--pooling", "global_average")
        .failsWith(1, "label column 'label'");
    CliRun.run("evaluate", "--model", model, "-i", tmp.resolve("none").toString()).failsWith(1, "no such input");
    CliRun.run("evaluate", "--model", model).failsWith(2, "Missing required option");
  }

  @Test
  void demo() {
    CliRun.run("demo", "--rows", "-1").failsWith(1, "--rows must be >= 0");
    CliRun.run("demo", "--length", "x").failsWith(1, "--length expects N or MIN:MAX");
    CliRun.run("demo", "--optimizer", "newton").failsWith(1, "invalid value for param optimizer");
    CliRun.run("demo", "--max-iter", "lots").failsWith(2, "Invalid value for option '--max-iter'");
  }
}
