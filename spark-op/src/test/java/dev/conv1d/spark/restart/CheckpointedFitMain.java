package dev.conv1d.spark.restart;

import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.spark.ml.Conv1D;
import dev.conv1d.spark.ml.Conv1DModel;
import dev.conv1d.spark.testing.TrainData;
import dev.conv1d.spark.train.BlockGradient;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A checkpointed fit in its own JVM, for {@link DriverRestartIT}: args checkpointDir [taskDelayMs]. */
public final class CheckpointedFitMain {
  private CheckpointedFitMain() {}

  static final int MAX_ITER = 12;
  /** Printed with the engine's name before training, for the test to compare with its own. */
  static final String ENGINE_LINE = "conv1d engine: ";

  static Conv1D estimator() {
    return new Conv1D().setFilters(2).setKernelSize(3).setSeed(5).setMaxIter(MAX_ITER).setLearningRate(0.05)
        .setMiniBatchFraction(0.7).setKernelRegularizer("l2(0.01)").setTol(0);
  }

  static Dataset<Row> data(SparkSession spark) {
    float[] kernel = TrainData.randomKernel(12, 21);
    List<Row> rows = TrainData.rows(kernel, new float[] {0.3f, -0.2f}, 3, 2, 2, 150, 6, 18, 0.05, false, 22);
    return TrainData.frame(spark, rows, 3);
  }

  public static void main(String[] args) {
    if (args.length > 1) BlockGradient.testMaxDelayMs = Integer.parseInt(args[1]);
    System.out.println(ENGINE_LINE + ConvKernels.best().name());
    System.out.flush();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("checkpointed-fit")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    Conv1DModel m = estimator().setCheckpointDir(args[0]).setCheckpointInterval(1).fit(data(spark));
    System.out.println("done " + m.summary().totalIterations());
    spark.stop();
  }
}
