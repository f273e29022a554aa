package dev.conv1d.jobs.commands;

import dev.conv1d.jobs.cli.JobContext;
import dev.conv1d.jobs.cli.UserException;
import dev.conv1d.jobs.io.LayerWeights;
import dev.conv1d.jobs.spark.DataIO;
import dev.conv1d.spark.ml.Conv1DModel;
import org.apache.spark.sql.SparkSession;

/** Loading saved models with one-line errors; shared by apply, inspect, export (and evaluate later). */
final class ModelFiles {
  private ModelFiles() {}

  static Conv1DModel load(JobContext ctx, String path) {
    SparkSession spark = ctx.spark();
    DataIO.requireExists(spark, path, "model directory");
    if (!DataIO.exists(spark, path + "/metadata")) {
      throw new UserException(path + ": not a saved Conv1DModel (no metadata/ inside)");
    }
    try {
      return Conv1DModel.load(path);
    } catch (RuntimeException e) {
      throw new UserException(path + ": cannot load the model: " + dev.conv1d.jobs.cli.Errors.message(e), e);
    }
  }

  static LayerWeights weights(Conv1DModel m) {
    float[][][] k = m.kernel();
    int ks = k.length, cin = k[0].length, f = k[0][0].length;
    float[] flat = new float[ks * cin * f];
    int i = 0;
    for (float[][] a : k) for (float[] b : a) for (float v : b) flat[i++] = v;
    return new LayerWeights(m.getName(), flat, new int[] {ks, cin, f}, m.bias(), null);
  }

  /** The model's layer params under their Keras config names, for writing a .keras config. */
  static java.util.Map<String, Object> kerasConfig(Conv1DModel m) {
    java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("class_name", "Conv1D");
    c.put("padding", m.getPadding());
    c.put("data_format", m.getDataFormat());
    c.put("activation", m.getActivation());
    c.put("strides", m.getStrides());
    c.put("dilation_rate", m.getDilationRate());
    c.put("groups", m.getGroups());
    c.put("use_bias", m.bias() != null);
    return c;
  }
}
