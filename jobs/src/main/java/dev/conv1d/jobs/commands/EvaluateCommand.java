package dev.conv1d.jobs.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.ParamSettings;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.jobs.spark.Metrics;
import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.train.DistributedObjective;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code conv1d evaluate}: a saved model's loss and metrics on a labelled dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"A saved Conv1DModel's loss and metrics on a labelled dataset.",
        "The loss is the Conv1D estimator's own data loss (the same formulas and weighting as in training, without "
            + "regularization terms). Metrics: MSE, MAE and RMSE over the label values for regression losses; "
            + "accuracy for class labels (crossentropy losses).",
        "Input as for train: Parquet (default), JSON lines (.json) or CSV (.csv)."})
public final class EvaluateCommand extends JobCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "saved model directory")
  String model;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "PATH", description = "labelled dataset")
  String input;

  @Option(names = "--format", defaultValue = "auto",
      description = "input format: auto (by extension), parquet, json, csv (default ${DEFAULT-VALUE})")
  DataIO.Format format;

  @Option(names = "--label-col", defaultValue = "label", description = "label column (default ${DEFAULT-VALUE})")
  String labelCol;

  @Option(names = "--loss", defaultValue = "mse", description = "mse, mae, huber(delta), binary_crossentropy, "
      + "categorical_crossentropy, sparse_categorical_crossentropy (default ${DEFAULT-VALUE})")
  String loss;

  @Option(names = "--from-logits", description = "the model outputs logits (crossentropy losses)")
  boolean fromLogits;

  @Option(names = "--pooling", defaultValue = "none",
      description = "none, global_average or global_max: labels per sequence (default ${DEFAULT-VALUE})")
  String pooling;

  @Option(names = "--weight-col", description = "sample weight column (weights the loss)")
  String weightCol;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Mixin LayerOptions layerOptions;

  @Override
  protected int run(JobContext ctx) throws Exception {
    SparkSession spark = ctx.spark();
    Conv1DModel m = layerOptions.settings().applyTo(ModelFiles.load(ctx, model));
    Conv1D est = estimatorFor(m);
    Dataset<Row> df = DataIO.read(spark, input, format, m.getInputCol(), m.isDefined(m.inputChannels()));
    boolean pooled = !est.getPooling().equals("none");
    boolean sparse = est.getLoss().trim().toLowerCase(Locale.ROOT).startsWith("sparse");
    df = DataIO.readNumeric(df, labelCol, DataIO.labelDepth(pooled, sparse, m.isDefined(m.inputChannels())), input,
        "label");
    if (weightCol != null) DataIO.requireColumn(df, weightCol, input);
    for (String c : df.columns()) {
      if (c.equals(m.getOutputCol())) {
        throw new UserException("output column '" + c + "' already exists in " + input + " (choose --output-col)");
      }
    }

    double dataLoss;
    try (Conv1D.Problem p = est.objective(df)) {
      DistributedObjective.Eval e = p.evaluate(p.initialWeights());
      dataLoss = e.dataLoss;
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", model);
    r.put("input", input);
    r.put("loss", est.getLoss());
    r.put("lossValue", dataLoss);
    Metrics.Kind kind = kind(est.getLoss());
    Dataset<Row> pl = m.transform(df).select(m.getOutputCol(), labelCol);
    double[] t = new Metrics(kind, est.getPooling(), fromLogits, m.getFilters(), m.getDataFormat()).compute(pl);
    r.put("rows", (long) t[0]);
    if (kind == Metrics.Kind.REGRESSION || kind == Metrics.Kind.BINARY) {
      double mse = t[1] == 0 ? Double.NaN : t[2] / t[1];
      r.put("mse", mse);
      r.put("mae", t[1] == 0 ? Double.NaN : t[3] / t[1]);
      r.put("rmse", Math.sqrt(mse));
    }
    if (kind != Metrics.Kind.REGRESSION) r.put("accuracy", t[5] == 0 ? Double.NaN : t[4] / t[5]);
    if (json) {
      ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
    } else {
      ctx.out().println("evaluated " + model + " on " + input + ": " + r.get("rows") + " rows");
      ctx.out().printf(Locale.ROOT, "loss (%s): %.6g%n", est.getLoss(), dataLoss);
      for (String k : new String[] {"mse", "mae", "rmse", "accuracy"}) {
        if (r.containsKey(k)) ctx.out().printf(Locale.ROOT, "%s: %.6g%n", k, (Double) r.get(k));
      }
    }
    return 0;
  }

  static Metrics.Kind kind(String lossSpec) {
    String l = lossSpec.trim().toLowerCase(Locale.ROOT);
    if (l.startsWith("sparse_categorical")) return Metrics.Kind.SPARSE_CLASSES;
    if (l.startsWith("categorical")) return Metrics.Kind.ONE_HOT;
    if (l.startsWith("binary")) return Metrics.Kind.BINARY;
    return Metrics.Kind.REGRESSION;
  }

  /** The estimator of this model's layer, at its weights, with the evaluation's loss: its objective is the loss. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Conv1D estimatorFor(Conv1DModel m) {
    Conv1D base = new Conv1D();
    ParamMap pm = ParamMap.empty();
    for (Param<?> p : m.params()) {
      if (m.isDefined(p) && base.hasParam(p.name())) pm.put((Param) base.getParam(p.name()), m.getOrDefault(p));
    }
    Conv1D est = base.copy(pm).setFilters(m.getFilters()).setKernelSize(m.getKernelSize())
        .setUseBias(m.weights().hasBias());
    ParamSettings s = new ParamSettings().put("loss", loss).put("fromLogits", fromLogits).put("pooling", pooling)
        .put("labelCol", labelCol).put("weightCol", weightCol);
    est = s.applyTo(est);
    est.setInitialModel(m);
    return est;
  }
}
