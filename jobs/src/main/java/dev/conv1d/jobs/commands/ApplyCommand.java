package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobCommand;
import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.jobs.spark.Progress;
import dev.conv1d.spark.ml.Conv1DModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code conv1d apply}: a saved model over a dataset, written as Parquet. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Applies a saved Conv1DModel to a dataset and writes Parquet with the output column added.",
        "Input: Parquet (default), JSON lines (.json), or CSV (.csv, header row) whose sequence column holds JSON "
            + "text such as \"[[0.5, 1], [2, -1]]\"."})
public final class ApplyCommand extends JobCommand {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "saved model directory")
  String model;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "PATH", description = "input dataset")
  String input;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "PATH", description = "output Parquet directory")
  String out;

  @Option(names = "--format", defaultValue = "auto",
      description = "input format: auto (by extension), parquet, json, csv (default ${DEFAULT-VALUE})")
  DataIO.Format format;

  @Option(names = "--overwrite", description = "replace the output if it exists")
  boolean overwrite;

  @Mixin LayerOptions layerOptions;

  @Override
  protected int run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    Conv1DModel m = layerOptions.settings().applyTo(ModelFiles.load(ctx, model));
    boolean flat = m.isDefined(m.inputChannels());
    Dataset<Row> in = DataIO.read(spark, input, format, m.getInputCol(), flat);
    DataIO.requireWritable(spark, out, overwrite);
    for (String c : in.columns()) {
      if (c.equals(m.getOutputCol())) {
        throw new UserException("output column '" + c + "' already exists in " + input + " (choose --output-col)");
      }
    }
    Dataset<Row> result;
    try {
      m.transformSchema(in.schema());
      result = m.transform(in);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }
    long rowsIn;
    boolean existed = DataIO.exists(spark, out);
    try (Progress p = Progress.start(spark.sparkContext(), ctx.err(), "apply", null)) {
      rowsIn = in.count();
      ctx.info("apply: " + rowsIn + " rows in from " + input);
      (overwrite ? result.write().mode("overwrite") : result.write().mode("errorifexists")).parquet(out);
    } catch (Exception e) { // SparkException is checked in Java's eyes, though nothing declares it
      // A failed write leaves a partial directory behind that would block the next run: remove what we created.
      if (!existed) DataIO.deleteQuietly(spark, out);
      throw e;
    }
    long rowsOut = spark.read().parquet(out).count();
    ctx.out().println("rows in: " + rowsIn + ", rows out: " + rowsOut
        + (rowsOut < rowsIn ? " (" + (rowsIn - rowsOut) + " invalid rows skipped)" : ""));
    ctx.out().println("wrote " + out + " with column '" + m.getOutputCol() + "' (" + m.getFilters() + " filters)");
    return 0;
  }
}
