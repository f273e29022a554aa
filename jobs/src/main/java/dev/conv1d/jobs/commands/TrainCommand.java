package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.ParamSettings;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.jobs.spark.TrainProgress;
import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.ml.Conv1DTrainingSummary;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code conv1d train}: fits the Conv1D estimator on a labelled dataset and saves the model. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fits a Conv1D layer (the Conv1D estimator) on a labelled dataset and saves the Conv1DModel.",
        "Input: Parquet (default), JSON lines (.json), or CSV (.csv, header row; sequence and label columns hold JSON "
            + "text). The label is shaped like the layer's output ([out_length][filters]), or per sequence with "
            + "--pooling, or class indices with sparse_categorical_crossentropy.",
        "Every estimator param is an option below or, by its Spark ML name, --param name=value / --config FILE.json "
            + "(options win over --param, --param over --config).",
        "Progress per iteration on stderr (a bar on a terminal, plain lines otherwise); the summary table on stdout."})
public final class TrainCommand extends JobCommand {
  @Option(names = {"-i", "--input"}, required = true, paramLabel = "PATH", description = "training dataset")
  String input;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "where to save the model")
  String out;

  @Option(names = "--format", defaultValue = "auto",
      description = "input format: auto (by extension), parquet, json, csv (default ${DEFAULT-VALUE})")
  DataIO.Format format;

  @Option(names = "--overwrite", description = "replace the model directory if it exists")
  boolean overwrite;

  @Option(names = "--initial-model", paramLabel = "DIR", description = "warm start from a saved model's weights")
  String initialModel;

  @Option(names = "--filters", description = "filters (output channels); required") Integer filters;
  @Option(names = "--kernel-size", description = "kernel size; required") Integer kernelSize;
  @Option(names = "--label-col", description = "label column (default label)") String labelCol;
  @Option(names = "--loss", description = "mse, mae, huber(delta), binary_crossentropy, categorical_crossentropy, "
      + "sparse_categorical_crossentropy (default mse)") String loss;
  @Option(names = "--from-logits", arity = "0..1", description = "crossentropy on logits") Boolean fromLogits;
  @Option(names = "--pooling", description = "none, global_average or global_max (default none)") String pooling;
  @Option(names = "--weight-col", description = "sample weight column") String weightCol;
  @Option(names = "--optimizer", description = "adam, sgd or lbfgs (default adam)") String optimizer;
  @Option(names = {"--learning-rate", "--lr"}, description = "adam/sgd step size") Double learningRate;
  @Option(names = "--max-iter", description = "most iterations (default 100)") Integer maxIter;
  @Option(names = "--tol", description = "relative objective change that stops a full-batch fit") Double tol;
  @Option(names = "--seed", description = "seed of the initializers and mini-batches") Long seed;
  @Option(names = "--mini-batch-fraction", description = "rows per adam/sgd step, (0, 1]") Double miniBatchFraction;
  @Option(names = "--use-bias", arity = "0..1", description = "learn a bias (default true)") Boolean useBias;
  @Option(names = "--kernel-initializer", description = "Keras initializer spec") String kernelInitializer;
  @Option(names = "--bias-initializer", description = "Keras initializer spec") String biasInitializer;
  @Option(names = "--kernel-regularizer", description = "e.g. l2(0.01), l1_l2(l1=1e-4, l2=1e-3)") String kernelRegularizer;
  @Option(names = "--bias-regularizer", description = "Keras regularizer spec") String biasRegularizer;
  @Option(names = "--activity-regularizer", description = "Keras regularizer spec") String activityRegularizer;
  @Option(names = "--kernel-constraint", description = "e.g. max_norm(3), non_neg") String kernelConstraint;
  @Option(names = "--bias-constraint", description = "Keras constraint spec") String biasConstraint;
  @Option(names = "--validation-col", description = "boolean column: true rows are held out for validation")
  String validationCol;
  @Option(names = "--early-stopping-patience", description = "iterations without validation improvement")
  Integer earlyStoppingPatience;
  @Option(names = "--checkpoint-dir", description = "checkpoint directory (a fit resumes from it)") String checkpointDir;
  @Option(names = "--checkpoint-interval", description = "checkpoint every N iterations") Integer checkpointInterval;

  @Mixin LayerOptions layerOptions;

  @Option(names = "--progress", defaultValue = "auto",
      description = "auto (a bar on a terminal, else lines), bar, lines or none (default ${DEFAULT-VALUE})")
  String progress;

  @Option(names = "--summary-rows", defaultValue = "10",
      description = "iterations shown in the summary table: the first and the last N; 0 shows all (default "
          + "${DEFAULT-VALUE})")
  int summaryRows;

  /** The estimator these options describe (no job runs). */
  Conv1D estimator() {
    ParamSettings s = layerOptions.settings();
    s.put("filters", filters).put("kernelSize", kernelSize).put("labelCol", labelCol).put("loss", loss)
        .put("fromLogits", fromLogits).put("pooling", pooling).put("weightCol", weightCol)
        .put("optimizer", optimizer).put("learningRate", learningRate).put("maxIter", maxIter).put("tol", tol)
        .put("seed", seed).put("miniBatchFraction", miniBatchFraction).put("useBias", useBias)
        .put("kernelInitializer", kernelInitializer).put("biasInitializer", biasInitializer)
        .put("kernelRegularizer", kernelRegularizer).put("biasRegularizer", biasRegularizer)
        .put("activityRegularizer", activityRegularizer).put("kernelConstraint", kernelConstraint)
        .put("biasConstraint", biasConstraint).put("validationIndicatorCol", validationCol)
        .put("earlyStoppingPatience", earlyStoppingPatience).put("checkpointDir", checkpointDir)
        .put("checkpointInterval", checkpointInterval);
    s.putIfAbsent("outputCol", "prediction");
    Conv1D est = s.applyTo(new Conv1D());
    if (!est.isDefined(est.filters())) throw new UserException("--filters is required (or --param filters=N)");
    if (!est.isDefined(est.kernelSize())) {
      throw new UserException("--kernel-size is required (or --param kernelSize=N)");
    }
    return est;
  }

  @Override
  protected int run(JobContext ctx) {
    if (summaryRows < 0) throw new UserException("--summary-rows must be >= 0, got " + summaryRows);
    Boolean bar;
    switch (progress.toLowerCase(Locale.ROOT)) {
      case "auto": bar = null; break;
      case "bar": bar = true; break;
      case "lines": bar = false; break;
      case "none": bar = null; break;
      default: throw new UserException("--progress expects auto, bar, lines or none, got '" + progress + "'");
    }
    Conv1D est = estimator();
    SparkSession spark = ctx.spark();
    if (initialModel != null) est.setInitialModel(ModelFiles.load(ctx, initialModel));
    Dataset<Row> df = DataIO.read(spark, input, format, est.getInputCol(), est.isDefined(est.inputChannels()));
    boolean pooled = !est.getPooling().equals("none");
    boolean sparse = est.getLoss().trim().toLowerCase(Locale.ROOT).startsWith("sparse");
    df = DataIO.readNumeric(df, est.getLabelCol(),
        DataIO.labelDepth(pooled, sparse, est.isDefined(est.inputChannels())), input, "label");
    if (est.isDefined(est.weightCol())) DataIO.requireColumn(df, est.getWeightCol(), input);
    DataIO.requireWritable(spark, out, overwrite);
    int expected = est.getMaxIter() + (est.getOptimizer().equals("lbfgs") ? 1 : 0);
    TrainProgress listener = progress.equalsIgnoreCase("none") ? null : new TrainProgress(ctx.err(), bar, expected);
    Conv1DModel m;
    long t0 = System.nanoTime();
    try {
      est.setIterationListener(listener);
      m = est.fit(df);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    } finally {
      if (listener != null) listener.close();
      est.setIterationListener(null);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    try {
      (overwrite ? m.write().overwrite() : m.write()).save(out);
    } catch (java.io.IOException e) {
      throw new UserException(out + ": cannot save the model: " + e.getMessage(), e);
    }
    printSummary(ctx.out(), m.summary(), summaryRows);
    ctx.out().printf(Locale.ROOT, "trained in %.1f s; saved model to %s (kernel (%d, %d, %d)%s)%n", seconds, out,
        m.getKernelSize(), m.getModelInputChannels() / m.getGroups(), m.getFilters(),
        m.weights().hasBias() ? ", bias (" + m.getFilters() + ",)" : ", no bias");
    return 0;
  }

  /** The summary table: the first row and the last {@code last} rows (all when 0), then totals. */
  static void printSummary(PrintStream out, Conv1DTrainingSummary s, int last) {
    double[] o = s.objectiveHistory(), d = s.dataLossHistory(), k = s.kernelRegularizationHistory(),
        b = s.biasRegularizationHistory(), a = s.activityRegularizationHistory(), v = s.validationLossHistory(),
        t = s.iterationTimeMs();
    out.println("Training summary (" + s.optimizer() + ")");
    out.printf(Locale.ROOT, "%6s  %12s  %12s  %11s  %11s  %12s  %12s  %8s%n", "iter", "objective", "data_loss",
        "kernel_reg", "bias_reg", "activity_reg", "val_loss", "time_ms");
    int n = o.length, from = last == 0 ? 0 : Math.max(0, n - last);
    double total = 0;
    for (double x : t) total += x;
    for (int i = 0; i < n; i++) {
      if (i > 0 && i < from) {
        if (i == 1) out.printf("%6s%n", "...");
        continue;
      }
      out.printf(Locale.ROOT, "%6d  %12.6g  %12.6g  %11.4g  %11.4g  %12.4g  %12s  %8.1f%n", i, o[i], d[i], k[i],
          b[i], a[i], Double.isNaN(v[i]) ? "-" : String.format(Locale.ROOT, "%.6g", v[i]), t[i]);
    }
    out.printf(Locale.ROOT, "iterations: %d, stopped: %s, iteration time: %.1f s%s%n", s.totalIterations(),
        s.stopReason(), total / 1000, s.skippedRows() > 0 ? ", skipped rows: " + s.skippedRows() : "");
  }
}
