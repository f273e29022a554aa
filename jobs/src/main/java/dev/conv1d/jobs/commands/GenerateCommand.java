package dev.conv1d.jobs.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.Npy;
import dev.conv1d.jobs.io.NpyArray;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.jobs.spark.Progress;
import dev.conv1d.jobs.spark.SyntheticData;
import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.init.Initializers;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.spark.ml.Conv1DModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conv1d generate}: a synthetic labelled dataset and the hidden layer that labelled it. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Writes synthetic sequences in Parquet, labelled by a hidden \"true\" conv1d plus noise, and the "
        + "true weights beside them.",
        "",
        "OUT/data            Parquet: id, sequence array<array<float>> [length][channels], label [out_length][filters]",
        "OUT/true_weights.npz  kernel (kernel_size, channels, filters) and bias (filters,)",
        "OUT/true_kernel.npy, OUT/true_kernel_bias.npy  the same as .npy",
        "OUT/true_model      the true layer as a saved Conv1DModel (inputCol sequence, outputCol prediction)",
        "OUT/generate.json   every setting, the shapes and the paths"})
public final class GenerateCommand extends JobCommand {
  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "output directory")
  String out;

  @Option(names = "--rows", defaultValue = "1000", description = "rows (default ${DEFAULT-VALUE})")
  long rows;

  @Option(names = "--length", defaultValue = "64", paramLabel = "N|MIN:MAX",
      description = "sequence length, or a range drawn uniformly per row (default ${DEFAULT-VALUE})")
  String length;

  @Option(names = "--channels", defaultValue = "3", description = "input channels (default ${DEFAULT-VALUE})")
  int channels;

  @Option(names = "--filters", defaultValue = "4", description = "filters of the true layer (default ${DEFAULT-VALUE})")
  int filters;

  @Option(names = "--kernel-size", defaultValue = "3", description = "kernel size (default ${DEFAULT-VALUE})")
  int kernelSize;

  @Option(names = "--strides", defaultValue = "1", description = "strides (default ${DEFAULT-VALUE})")
  int strides;

  @Option(names = "--dilation-rate", defaultValue = "1", description = "dilation rate (default ${DEFAULT-VALUE})")
  int dilationRate;

  @Option(names = "--padding", defaultValue = "valid", description = "valid, same or causal (default ${DEFAULT-VALUE})")
  String padding;

  @Option(names = "--activation", defaultValue = "linear",
      description = "Keras activation of the true layer (default ${DEFAULT-VALUE})")
  String activation;

  @Option(names = "--no-bias", description = "the true layer has no bias")
  boolean noBias;

  @Option(names = "--kernel-initializer", defaultValue = "glorot_uniform",
      description = "Keras initializer of the true kernel (default ${DEFAULT-VALUE})")
  String kernelInitializer;

  @Option(names = "--bias-initializer", defaultValue = "random_uniform(minval=-0.5, maxval=0.5)",
      description = "Keras initializer of the true bias (default ${DEFAULT-VALUE})")
  String biasInitializer;

  @Option(names = "--noise", defaultValue = "0.01",
      description = "standard deviation of the Gaussian label noise (default ${DEFAULT-VALUE})")
  double noise;

  @Option(names = "--seed", defaultValue = "42", description = "seed of weights and data (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--partitions", description = "partitions to write (default: Spark's default parallelism)")
  Integer partitions;

  @Option(names = "--overwrite", description = "replace OUT if it exists")
  boolean overwrite;

  @Override
  protected int run(JobContext ctx) throws IOException {
    int[] len = parseLength(length);
    if (rows < 0) throw new UserException("--rows must be >= 0, got " + rows);
    if (noise < 0 || Double.isNaN(noise)) throw new UserException("--noise must be >= 0, got " + noise);
    if (channels < 1 || filters < 1 || kernelSize < 1) {
      throw new UserException("--channels, --filters and --kernel-size must be >= 1");
    }
    try {
      Activations.parse(activation);
    } catch (IllegalArgumentException e) {
      throw new UserException("--activation: " + e.getMessage());
    }
    float[] kernel = new float[kernelSize * channels * filters];
    float[] bias = noBias ? null : new float[filters];
    try {
      Initializers.parse(kernelInitializer).fill(kernel, new int[] {kernelSize, channels, filters}, seed);
      if (bias != null) Initializers.parse(biasInitializer).fill(bias, new int[] {filters}, seed + 1);
    } catch (IllegalArgumentException e) {
      throw new UserException("initializer: " + e.getMessage());
    }
    SyntheticData data = new SyntheticData(seed, len[0], len[1], channels, noise, filters, kernelSize, strides,
        dilationRate, padding, activation, kernel, bias);
    Conv1DSpec spec;
    try {
      spec = data.spec();
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    if (spec.outputLength(len[0]) < 1) {
      throw new UserException("--length " + length + ": sequences of " + len[0] + " steps give no output with "
          + padding + " padding, kernel size " + kernelSize + " and dilation " + dilationRate
          + " (need at least " + spec.receptiveField() + " steps)");
    }

    SparkSession spark = ctx.spark();
    DataIO.requireWritable(spark, out, overwrite);
    int parts = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
    if (parts < 1) throw new UserException("--partitions must be >= 1, got " + parts);
    String base = out.endsWith("/") ? out.substring(0, out.length() - 1) : out;
    if (overwrite && DataIO.exists(spark, base)) DataIO.fs(spark, base).delete(new org.apache.hadoop.fs.Path(base), true);

    Dataset<Row> df = data.rows(spark, rows, parts);
    try (Progress p = Progress.start(spark.sparkContext(), ctx.err(), "generate", null)) {
      df.write().mode("errorifexists").parquet(base + "/data");
    }

    NpyArray k = NpyArray.ofFloats(new int[] {kernelSize, channels, filters}, kernel);
    Map<String, NpyArray> npz = new LinkedHashMap<>();
    npz.put("kernel", k);
    DataIO.writeFile(spark, base + "/true_kernel.npy", Npy.toBytes(k));
    if (bias != null) {
      NpyArray b = NpyArray.ofFloats(new int[] {filters}, bias);
      npz.put("bias", b);
      DataIO.writeFile(spark, base + "/true_kernel_bias.npy", Npy.toBytes(b));
    }
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    Npy.writeNpz(zip, npz);
    DataIO.writeFile(spark, base + "/true_weights.npz", zip.toByteArray());

    float[][][] k3 = new float[kernelSize][channels][filters];
    for (int a = 0, i = 0; a < kernelSize; a++) for (int c = 0; c < channels; c++) for (int f = 0; f < filters; f++) {
      k3[a][c][f] = kernel[i++];
    }
    Conv1DModel truth = Conv1DModel.fromWeights(k3, bias).setPadding(padding).setStrides(strides)
        .setDilationRate(dilationRate).setActivation(activation).setInputCol("sequence").setOutputCol("prediction");
    truth.write().overwrite().save(base + "/true_model");

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("rows", rows);
    meta.put("minLength", len[0]);
    meta.put("maxLength", len[1]);
    meta.put("channels", channels);
    meta.put("filters", filters);
    meta.put("kernelSize", kernelSize);
    meta.put("strides", strides);
    meta.put("dilationRate", dilationRate);
    meta.put("padding", padding);
    meta.put("activation", activation);
    meta.put("useBias", bias != null);
    meta.put("kernelInitializer", kernelInitializer);
    meta.put("biasInitializer", bias != null ? biasInitializer : null);
    meta.put("noise", noise);
    meta.put("seed", seed);
    meta.put("partitions", parts);
    meta.put("dataFormat", "channels_last");
    meta.put("inputCol", "sequence");
    meta.put("labelCol", "label");
    meta.put("kernelShape", new int[] {kernelSize, channels, filters});
    Map<String, String> files = new LinkedHashMap<>();
    files.put("data", base + "/data");
    files.put("weights", base + "/true_weights.npz");
    files.put("kernel", base + "/true_kernel.npy");
    if (bias != null) files.put("bias", base + "/true_kernel_bias.npy");
    files.put("model", base + "/true_model");
    meta.put("files", files);
    byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(meta);
    DataIO.writeFile(spark, base + "/generate.json", json);

    ctx.out().println("generated " + rows + " rows (length " + (len[0] == len[1] ? len[0] : len[0] + ".." + len[1])
        + ", " + channels + " channels) in " + parts + " partitions: " + base + "/data");
    ctx.out().println("true layer: kernel (" + kernelSize + ", " + channels + ", " + filters + ")"
        + (bias != null ? ", bias (" + filters + ",)" : ", no bias") + ", padding " + padding + ", activation "
        + activation + ", label noise " + noise);
    ctx.out().println("true weights: " + base + "/true_weights.npz, model: " + base + "/true_model");
    return 0;
  }

  static int[] parseLength(String s) {
    try {
      String[] parts = s.split(":", -1);
      if (parts.length == 1) {
        int n = Integer.parseInt(parts[0].trim());
        if (n < 1) throw new UserException("--length must be >= 1, got " + s);
        return new int[] {n, n};
      }
      if (parts.length == 2) {
        int a = Integer.parseInt(parts[0].trim()), b = Integer.parseInt(parts[1].trim());
        if (a < 1 || b < a) throw new UserException("--length MIN:MAX needs 1 <= MIN <= MAX, got " + s);
        return new int[] {a, b};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new UserException("--length expects N or MIN:MAX, got '" + s + "'");
  }
}
