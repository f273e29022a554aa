package dev.conv1d.spark.exec;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The uses of Spark's {@code private[sql]} APIs, in one place, so a Spark upgrade has one class to check for them.
 * (The hot path's direct use of Catalyst's row formats, {@code UnsafeArrayData} and {@code UnsafeRow}, is in
 * {@code SequenceReader}, {@code OutputArray} and {@code PartitionRunner}, checked by {@code ExecUnitTest}.)
 *
 * <ul>
 *   <li>{@code classic.Dataset.queryExecution().toRdd()}: the rows of a batch Dataset as {@code InternalRow}s,
 *       without the per-element boxing of {@code Dataset.rdd()} / {@code Row};
 *   <li>{@code classic.SparkSession.internalCreateDataFrame}: a DataFrame over an {@code RDD<InternalRow>};
 *   <li>{@code CatalystTypeConverters}: {@code Row <-> InternalRow} for the streaming path, where the plan cannot
 *       be turned into an RDD and the public {@code mapPartitions} hands out {@code Row}s.
 * </ul>
 *
 * These are {@code private[sql]} in Scala but public in bytecode. They need a classic (non-Connect) session.
 */
final class SparkInternals {
  private SparkInternals() {}

  private static org.apache.spark.sql.classic.Dataset<?> classic(Dataset<?> ds) {
    if (!(ds instanceof org.apache.spark.sql.classic.Dataset)) {
      throw new UnsupportedOperationException("Conv1D needs a classic Spark session (not Spark Connect); got a "
          + ds.getClass().getName());
    }
    return (org.apache.spark.sql.classic.Dataset<?>) ds;
  }

  /** The Dataset's rows in Catalyst's internal form (the plan is prepared now, as {@code Dataset.rdd} does). */
  static RDD<InternalRow> internalRows(Dataset<?> ds) {
    return classic(ds).queryExecution().toRdd();
  }

  /** A batch DataFrame over internal rows that match {@code schema}, in the session of {@code like}. */
  static Dataset<Row> dataFrame(Dataset<?> like, RDD<InternalRow> rows, StructType schema) {
    return classic(like).sparkSession().internalCreateDataFrame(rows, schema, false);
  }

  /** Row to InternalRow for {@code schema} (boxes: used only on the streaming path). */
  static Function1<Object, Object> toInternal(StructType schema) {
    return CatalystTypeConverters.createToCatalystConverter(schema);
  }

  /** InternalRow to Row for {@code schema} (boxes: used only on the streaming path). */
  static Function1<Object, Object> toExternal(StructType schema) {
    return CatalystTypeConverters.createToScalaConverter(schema);
  }
}
