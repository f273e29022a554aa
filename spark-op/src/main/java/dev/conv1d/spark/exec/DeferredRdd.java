package dev.conv1d.spark.exec;

import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.Dependency;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;

/**
 * An RDD whose parent is built only when Spark first asks for its partitions, i.e. when an action plans its job.
 * Turning a Dataset's plan into an RDD runs jobs under adaptive execution (every upstream shuffle stage is
 * materialized), and a Transformer's {@code transform} must not run any: it stays lazy until an action.
 */
final class DeferredRdd<T> extends RDD<T> {
  private static final long serialVersionUID = 1L;
  /** Driver only: builds the parent. Dropped once it has. */
  private transient Supplier<RDD<T>> make;
  /** Shipped with the tasks (as any parent RDD is), set on the driver before any task exists. */
  private RDD<T> parent;

  @SuppressWarnings({"unchecked", "rawtypes"})
  DeferredRdd(SparkContext sc, Supplier<RDD<T>> make, ClassTag<T> tag) {
    super(sc, (Seq<Dependency<?>>) (Seq) scala.collection.immutable.Nil$.MODULE$, tag);
    this.make = make;
  }

  private synchronized RDD<T> parent() {
    if (parent == null) {
      if (make == null) throw new IllegalStateException("DeferredRdd: parent not built before the RDD was shipped");
      parent = make.get();
      make = null;
    }
    return parent;
  }

  @Override
  public Seq<Dependency<?>> getDependencies() {
    return CollectionConverters.asScala(List.<Dependency<?>>of(new OneToOneDependency<>(parent()))).toList();
  }

  @Override
  public Partition[] getPartitions() {
    return parent().partitions();
  }

  @Override
  public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
    return parent().preferredLocations(split);
  }

  @Override
  public Iterator<T> compute(Partition split, TaskContext context) {
    return parent().iterator(split, context);
  }
}
