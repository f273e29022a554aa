package dev.conv1d.spark.io;

import dev.conv1d.spark.ml.Conv1DModel;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads what {@link Conv1DModelWriter} wrote: metadata first, then the weights from Parquet, then the params.
 *
 * <p>A model directory is untrusted input. Every failure is an {@link IllegalArgumentException} naming the path and
 * the problem. The metadata's class name is compared with {@link Conv1DModel}'s before anything else is done with
 * it, and no class named in a model file is ever loaded or instantiated (no reflection on it, no Java
 * deserialization: JSON and Parquet only). Sizes in the files are checked against the data actually present
 * before anything is sized from them, so a shape like filters = 2^31 is an error, not an allocation.
 */
final class Conv1DModelReader extends MLReader<Conv1DModel> {
  private static final String EXPECTED_CLASS = Conv1DModel.class.getName();

  @Override
  public Conv1DModel load(String path) {
    Path root = new Path(path);
    requireDir(root, null, "no such directory");
    requireDir(root, "metadata", "no metadata/ directory (not a saved Spark ML model)");
    Metadata meta;
    try {
      // Empty expected class: Spark checks nothing; the check below gives the path and both names.
      meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), "");
    } catch (Exception e) { // Scala code throws checked exceptions (JsonParseException, SparkException) unannounced
      throw bad(path, "unreadable metadata/ (" + describe(e) + ")", e);
    }
    if (!EXPECTED_CLASS.equals(meta.className())) {
      throw bad(path, "metadata/ names class '" + meta.className() + "', expected '" + EXPECTED_CLASS
          + "' (another model's directory?)", null);
    }
    requireDir(root, WeightsTable.DATA_DIR, "no " + WeightsTable.DATA_DIR + "/ directory with the weights");
    Row r = weightsRow(path);
    int[] shape = shape(path, r);
    long needed = (long) shape[0] * shape[1] * shape[2];
    List<Float> kernelList = r.isNullAt(1) ? null : r.getList(1);
    if (kernelList == null) throw bad(path, "the weights row has no kernel", null);
    if (kernelList.size() != needed) {
      throw bad(path, "kernel shape [" + shape[0] + ", " + shape[1] + ", " + shape[2] + "] needs " + needed
          + " values but the weights hold " + kernelList.size(), null);
    }
    float[] kernel = unboxed(path, "kernel", kernelList);
    float[] bias = null;
    if (!r.isNullAt(2)) {
      List<Float> b = r.getList(2);
      if (b.size() != shape[2]) {
        throw bad(path, "bias has " + b.size() + " values, expected filters = " + shape[2], null);
      }
      bias = unboxed(path, "bias", b);
    }
    Conv1DModel model;
    try {
      model = Conv1DModel.fromFlatWeights(meta.uid(), kernel, shape[0], shape[1], shape[2], bias);
      meta.getAndSetParams(model, scala.Option.empty());
    } catch (Exception e) { // Scala code throws checked exceptions (JsonParseException, SparkException) unannounced
      throw bad(path, "invalid params in metadata/ (" + describe(e) + ")", e);
    }
    return model;
  }

  private static IllegalArgumentException bad(String path, String what, Throwable cause) {
    return new IllegalArgumentException("Conv1DModel at " + path + ": " + what, cause);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
  }

  private void requireDir(Path root, String child, String problem) {
    Path p = child == null ? root : new Path(root, child);
    try {
      FileSystem fs = p.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
      if (!fs.getFileStatus(p).isDirectory()) throw bad(root.toString(), problem, null);
    } catch (java.io.FileNotFoundException e) {
      throw bad(root.toString(), problem, null);
    } catch (IOException e) {
      throw bad(root.toString(), "cannot read " + p + " (" + describe(e) + ")", e);
    }
  }

  /** The one weights row, after checking the Parquet schema (from the footers) against {@link WeightsTable}. */
  private Row weightsRow(String path) {
    String dir = new Path(path, WeightsTable.DATA_DIR).toString();
    List<Row> rows;
    try {
      Dataset<Row> df = sparkSession().read().parquet(dir);
      String mismatch = schemaMismatch(df.schema());
      if (mismatch != null) throw bad(path, WeightsTable.DATA_DIR + "/ is not a Conv1DModel weights table: " + mismatch, null);
      rows = df.select("kernelShape", "kernel", "bias").limit(2).collectAsList();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Conv1DModel at ")) throw e;
      throw bad(path, "unreadable weights in " + WeightsTable.DATA_DIR + "/ (" + describe(e) + ")", e);
    } catch (Exception e) { // Scala code throws checked exceptions (JsonParseException, SparkException) unannounced
      throw bad(path, "unreadable weights in " + WeightsTable.DATA_DIR + "/ (" + describe(rootCause(e)) + ")", e);
    }
    if (rows.size() != 1) {
      throw bad(path, "expected one weights row in " + WeightsTable.DATA_DIR + "/, found " + (rows.isEmpty() ? "none" : "more"), null);
    }
    return rows.get(0);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c;
  }

  /** Null when the columns and element types are those of {@link WeightsTable#SCHEMA} (nullability aside). */
  private static String schemaMismatch(StructType got) {
    for (StructField want : WeightsTable.SCHEMA.fields()) {
      scala.Option<Object> i = got.getFieldIndex(want.name());
      if (i.isEmpty()) return "no column '" + want.name() + "' (columns: " + String.join(", ", got.fieldNames()) + ")";
      DataType t = got.fields()[(Integer) i.get()].dataType();
      DataType e = ((ArrayType) want.dataType()).elementType();
      if (!(t instanceof ArrayType) || !((ArrayType) t).elementType().equals(e)) {
        return "column '" + want.name() + "' has type " + t.simpleString() + ", expected " + want.dataType().simpleString();
      }
    }
    return null;
  }

  private static int[] shape(String path, Row r) {
    List<Integer> s = r.isNullAt(0) ? null : r.getList(0);
    if (s == null || s.size() != 3 || s.contains(null)) {
      throw bad(path, "kernel shape " + s + " is not [kernel_size, in_channels/groups, filters]", null);
    }
    String[] names = {"kernel_size", "in_channels/groups", "filters"};
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      out[i] = s.get(i);
      if (out[i] < 1) throw bad(path, "kernel shape " + s + ": " + names[i] + " = " + out[i] + " must be >= 1", null);
    }
    return out;
  }

  private static float[] unboxed(String path, String what, List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      Float x = v.get(i);
      if (x == null) throw bad(path, what + " value " + i + " is null", null);
      out[i] = x;
    }
    return out;
  }
}
