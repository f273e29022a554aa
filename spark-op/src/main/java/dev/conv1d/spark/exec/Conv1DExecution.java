package dev.conv1d.spark.exec;

import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs a resolved {@link ExecPlan} over a Dataset. Batch Datasets go through {@code InternalRow}s end to end, in an
 * RDD built when an action first needs it (so {@code transform} runs no job).
 * Streaming Datasets cannot be turned into an RDD, so they use the public {@code mapPartitions} on {@code Row}s
 * and convert each row to and from {@code InternalRow} around the same {@link PartitionRunner}: same results, with
 * the boxing cost of {@code Row}s.
 */
public final class Conv1DExecution {
  private Conv1DExecution() {}

  public static Dataset<Row> transform(Dataset<?> dataset, ExecPlan plan, StructType outputSchema) {
    if (dataset.isStreaming()) {
      Dataset<Row> df = dataset.toDF();
      return df.mapPartitions(new RowPartitions(plan, df.schema(), outputSchema), Encoders.row(outputSchema));
    }
    ClassTag<InternalRow> tag = ClassTag$.MODULE$.apply(InternalRow.class);
    // Deferred: the upstream plan becomes an RDD (which may run its shuffle stages) only when an action plans.
    RDD<InternalRow> out = new DeferredRdd<>(dataset.sparkSession().sparkContext(),
        () -> JavaRDD.fromRDD(SparkInternals.internalRows(dataset), tag).mapPartitions(new InternalPartitions(plan))
            .rdd(), tag);
    return SparkInternals.dataFrame(dataset, out, outputSchema);
  }

  /** The batch path: one runner per partition over internal rows. */
  private static final class InternalPartitions implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final ExecPlan plan;

    InternalPartitions(ExecPlan plan) {
      this.plan = plan;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      return new PartitionRunner(plan, rows, TaskContext.get());
    }
  }

  /** The streaming path: rows converted to internal rows, run, and converted back. */
  private static final class RowPartitions implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ExecPlan plan;
    private final StructType inSchema;
    private final StructType outSchema;

    RowPartitions(ExecPlan plan, StructType inSchema, StructType outSchema) {
      this.plan = plan;
      this.inSchema = inSchema;
      this.outSchema = outSchema;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Function1<Object, Object> toInternal = SparkInternals.toInternal(inSchema);
      Function1<Object, Object> toExternal = SparkInternals.toExternal(outSchema);
      Iterator<InternalRow> internal = new Iterator<InternalRow>() {
        @Override public boolean hasNext() { return rows.hasNext(); }
        @Override public InternalRow next() { return (InternalRow) toInternal.apply(rows.next()); }
      };
      PartitionRunner runner = new PartitionRunner(plan, internal, TaskContext.get());
      return new Iterator<Row>() {
        @Override public boolean hasNext() { return runner.hasNext(); }
        @Override public Row next() { return (Row) toExternal.apply(runner.next()); }
      };
    }
  }
}
