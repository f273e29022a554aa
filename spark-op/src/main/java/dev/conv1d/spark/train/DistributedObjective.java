package dev.conv1d.spark.train;

import dev.conv1d.kernels.regularizer.Regularizer;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The training objective over cached blocks: mean weighted data loss + kernel and bias penalties + the activity
 * term (mean over samples of the activity penalty of the sample's outputs, as tf.keras 2 divides by the batch
 * size). Each evaluation broadcasts the weights (destroying the previous broadcast) and runs one
 * {@code treeAggregate} of {@link ExactSums}, so the result is bitwise independent of task completion order.
 */
public final class DistributedObjective implements AutoCloseable {
  private final JavaRDD<TrainBlock> blocks;
  private final BlockGradient task;
  private final Layer layer;
  private final Regularizer kernelReg, biasReg;
  private final int depth;
  private final long seed;
  private final double fraction;
  private final JavaSparkContext jsc;
  /** Full-data training row count and weight sum, validation row count. */
  private final double trainCount, trainWeight, validationCount;
  private Broadcast<BlockGradient.Step> current;

  public DistributedObjective(JavaRDD<TrainBlock> blocks, BlockGradient task, Layer layer, Regularizer kernelReg,
      Regularizer biasReg, int depth, long seed, double fraction) {
    this.blocks = blocks;
    this.task = task;
    this.layer = layer;
    this.kernelReg = kernelReg;
    this.biasReg = biasReg;
    this.depth = depth;
    this.seed = seed;
    this.fraction = fraction;
    this.jsc = JavaSparkContext.fromSparkContext(blocks.context());
    int size = task.size();
    ExactSums all = blocks.mapPartitions(it -> {
      ExactSums s = new ExactSums(size);
      while (it.hasNext()) {
        TrainBlock b = it.next();
        for (int i = 0; i < b.count; i++) {
          s.add(b.validation ? BlockGradient.VCOUNT : BlockGradient.COUNT, 1);
          if (!b.validation) s.add(BlockGradient.WSUM, b.weights[i]);
        }
      }
      return Collections.singletonList(s).iterator();
    }).treeAggregate(ExactSums.zero(), ExactSums::merge, ExactSums::merge, depth);
    trainCount = all.get(BlockGradient.COUNT);
    trainWeight = all.get(BlockGradient.WSUM);
    validationCount = all.get(BlockGradient.VCOUNT);
  }

  public double trainCount() { return trainCount; }
  public double trainWeight() { return trainWeight; }
  public double validationCount() { return validationCount; }
  public Layer layer() { return layer; }

  public org.apache.hadoop.conf.Configuration hadoopConfiguration() { return jsc.hadoopConfiguration(); }

  /** One evaluation: the parts of the objective and its gradients. */
  public static final class Eval {
    public double objective, dataLoss, kernelReg, biasReg, activityReg, validationLoss;
    /** Objective without the l1 parts of the kernel and bias penalties (what OWL-QN's smooth part is). */
    public double smooth;
    /** Gradient of the objective (l1 parts as l1*sign(w)), and of the smooth part. */
    public double[] gradient, smoothGradient;
  }

  /** Evaluates at {@code theta} (kernel then bias, float values) for iteration {@code it}'s mini-batch. */
  public Eval evaluate(double[] theta, int it, boolean gradient) {
    int kl = layer.kernelLength(), f = layer.filters;
    float[] k = new float[kl];
    for (int i = 0; i < kl; i++) k[i] = (float) theta[i];
    float[] b = null;
    if (layer.useBias) {
      b = new float[f];
      for (int i = 0; i < f; i++) b[i] = (float) theta[kl + i];
    }
    double n = trainCount, w = trainWeight;
    if (task.hasActivity() && fraction < 1) {
      Broadcast<BlockGradient.Step> pre = swap(new BlockGradient.Step(null, null, 0, 0, false, seed, it, fraction));
      int size = task.size();
      BlockGradient t = task;
      ExactSums c = blocks.mapPartitions(iter -> Collections.singletonList(t.counts(iter, pre.value())).iterator())
          .treeAggregate(ExactSums.zero(), ExactSums::merge, ExactSums::merge, depth);
      n = c.get(BlockGradient.COUNT);
      w = c.get(BlockGradient.WSUM);
    }
    double lossScale = task.hasActivity() ? (w > 0 ? 1 / w : 0) : 1;
    double actScale = n > 0 ? 1 / n : 0;
    Broadcast<BlockGradient.Step> bc =
        swap(new BlockGradient.Step(k, b, lossScale, actScale, gradient, seed, it, fraction));
    int size = task.size();
    BlockGradient t = task;
    ExactSums s = blocks.mapPartitions(iter -> Collections.singletonList(t.run(iter, bc.value())).iterator())
        .treeAggregate(ExactSums.zero(), ExactSums::merge, ExactSums::merge, depth);
    if (!s.finite()) {
      throw new ArithmeticException("Conv1D fit: the loss or gradient is not finite (or exceeds 2^62) at iteration "
          + it + "; lower the learning rate or check the data");
    }
    double wb = s.get(BlockGradient.WSUM), nb = s.get(BlockGradient.COUNT);
    Eval e = new Eval();
    e.dataLoss = wb > 0 ? s.get(BlockGradient.LOSS) / wb : 0;
    e.activityReg = task.hasActivity() && nb > 0 ? s.get(BlockGradient.ACT) / nb : 0;
    double vw = s.get(BlockGradient.VWSUM);
    e.validationLoss = s.get(BlockGradient.VCOUNT) > 0 && vw > 0 ? s.get(BlockGradient.VLOSS) / vw : Double.NaN;
    e.kernelReg = Penalty.value(kernelReg, theta, 0, kl, false);
    e.biasReg = layer.useBias ? Penalty.value(biasReg, theta, kl, f, false) : 0;
    e.objective = e.dataLoss + e.kernelReg + e.biasReg + e.activityReg;
    e.smooth = e.dataLoss + e.activityReg + Penalty.value(kernelReg, theta, 0, kl, true)
        + (layer.useBias ? Penalty.value(biasReg, theta, kl, f, true) : 0);
    if (gradient) {
      int p = layer.paramCount();
      double gs = task.hasActivity() ? 1 : (wb > 0 ? 1 / wb : 0);
      double[] g = new double[p];
      for (int i = 0; i < p; i++) g[i] = s.get(BlockGradient.GRAD + i) * gs;
      double[] sg = g.clone();
      Penalty.addGradient(kernelReg, theta, 0, kl, g, false);
      Penalty.addGradient(kernelReg, theta, 0, kl, sg, true);
      if (layer.useBias) {
        Penalty.addGradient(biasReg, theta, kl, f, g, false);
        Penalty.addGradient(biasReg, theta, kl, f, sg, true);
      }
      e.gradient = g;
      e.smoothGradient = sg;
    }
    return e;
  }

  private Broadcast<BlockGradient.Step> swap(BlockGradient.Step step) {
    if (current != null) current.destroy();
    current = jsc.broadcast(step);
    return current;
  }

  /** Destroys the last broadcast (the blocks' owner unpersists them). */
  @Override
  public void close() {
    if (current != null) current.destroy();
    current = null;
  }
}
