package dev.conv1d.jobs.spark;

import dev.conv1d.jobs.cli.UserException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * Reading datasets and writing side files through Hadoop's FileSystem, so every path works on local disk, HDFS,
 * S3 and the rest alike. Shared by apply now and by train and evaluate later.
 */
public final class DataIO {
  private DataIO() {}

  public enum Format { AUTO, PARQUET, JSON, CSV }

  public static Format resolve(Format f, String path) {
    if (f != Format.AUTO) return f;
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) return Format.JSON;
    if (p.endsWith(".csv")) return Format.CSV;
    return Format.PARQUET;
  }

  public static FileSystem fs(SparkSession spark, String path) {
    try {
      return new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UserException(path + ": " + e.getMessage(), e);
    }
  }

  public static boolean exists(SparkSession spark, String path) {
    try {
      return fs(spark, path).exists(new Path(path));
    } catch (IOException e) {
      throw new UserException(path + ": " + e.getMessage(), e);
    }
  }

  /** Fails with one line unless the path (not a glob) exists. */
  public static void requireExists(SparkSession spark, String path, String what) {
    if (path.contains("*") || path.contains("?") || path.contains("[")) return;
    if (!exists(spark, path)) throw new UserException(path + ": no such " + what);
  }

  /** Deletes a path recursively, ignoring failures (cleanup after a failed job). */
  public static void deleteQuietly(SparkSession spark, String path) {
    try {
      fs(spark, path).delete(new Path(path), true);
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  /** Fails unless the output may be written: absent, or --overwrite. */
  public static void requireWritable(SparkSession spark, String path, boolean overwrite) {
    if (!overwrite && exists(spark, path)) {
      throw new UserException(path + ": already exists (use --overwrite to replace it)");
    }
  }

  /**
   * Reads a dataset and makes {@code sequenceCol} readable by the model: JSON integer arrays become doubles, and a
   * CSV column holding JSON text ({@code "[[0.1, 2], [3, 4]]"}) is parsed, nested unless {@code flat}.
   */
  public static Dataset<Row> read(SparkSession spark, String path, Format format, String sequenceCol, boolean flat) {
    requireExists(spark, path, "input");
    Format f = resolve(format, path);
    Dataset<Row> df;
    switch (f) {
      case JSON: df = spark.read().json(path); break;
      case CSV: df = spark.read().option("header", "true").csv(path); break;
      default: df = spark.read().parquet(path); break;
    }
    if (sequenceCol == null) return df;
    requireColumn(df, sequenceCol, path);
    DataType t = df.schema().apply(sequenceCol).dataType();
    if (t instanceof StringType) {
      DataType target = flat ? DataTypes.createArrayType(DataTypes.DoubleType)
          : DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));
      df = df.withColumn(sequenceCol, functions.from_json(df.col(sequenceCol), target));
    } else if (isIntegralArray(t)) {
      DataType target = t instanceof ArrayType && ((ArrayType) t).elementType() instanceof ArrayType
          ? DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType))
          : DataTypes.createArrayType(DataTypes.DoubleType);
      df = df.withColumn(sequenceCol, df.col(sequenceCol).cast(target));
    }
    return df;
  }

  private static boolean isIntegralArray(DataType t) {
    if (!(t instanceof ArrayType)) return false;
    while (t instanceof ArrayType) t = ((ArrayType) t).elementType();
    return t instanceof NumericType && !(t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType));
  }

  /**
   * Makes a label-like column numeric: requires it, parses JSON text (CSV) into {@code depth} levels of arrays of
   * doubles (0: a number), and casts integer arrays (JSON lines) to doubles. Other types are left to the estimator's
   * own schema check, which names the column and the expected type.
   */
  /**
   * How deep a label written as JSON text (CSV) is: a class (0) or per-filter values (1) per sequence when pooled;
   * per step a class (1) or, like the flat or nested sequences read with it, flat (1) or nested (2) values.
   */
  public static int labelDepth(boolean pooled, boolean sparse, boolean flat) {
    if (pooled) return sparse ? 0 : 1;
    return sparse || flat ? 1 : 2;
  }

  public static Dataset<Row> readNumeric(Dataset<Row> df, String col, int depth, String where, String what) {
    requireColumn(df, col, where);
    DataType t = df.schema().apply(col).dataType();
    DataType target = DataTypes.DoubleType;
    for (int i = 0; i < depth; i++) target = DataTypes.createArrayType(target);
    if (t instanceof StringType) {
      return df.withColumn(col, depth == 0 ? df.col(col).cast(target) : functions.from_json(df.col(col), target));
    }
    if (depth > 0 && isIntegralArray(t) && depthOf(t) == depth) return df.withColumn(col, df.col(col).cast(target));
    return df;
  }

  private static int depthOf(DataType t) {
    int d = 0;
    while (t instanceof ArrayType) {
      t = ((ArrayType) t).elementType();
      d++;
    }
    return d;
  }

  public static void requireColumn(Dataset<Row> df, String col, String where) {
    for (StructField f : df.schema().fields()) if (f.name().equals(col)) return;
    throw new UserException("column '" + col + "' not found in " + where + " (columns: "
        + String.join(", ", Arrays.asList(df.columns())) + ")");
  }

  /** Writes a small file (weights, JSON) through the path's FileSystem. */
  public static void writeFile(SparkSession spark, String path, byte[] bytes) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path p = new Path(path);
    try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UserException(path + ": cannot write: " + e.getMessage(), e);
    }
  }
}
