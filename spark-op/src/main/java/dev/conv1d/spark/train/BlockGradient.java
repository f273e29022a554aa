package dev.conv1d.spark.train;

import dev.conv1d.kernels.activation.Activation;
import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The task side of one iteration: over a partition's cached blocks, forward (pre-activation, then activation),
 * sample losses and dLoss/dy, the activity regularizer's value and gradient on the outputs, pooling's backward,
 * {@code activationBackward}, then {@code backwardKernel} per block with one {@link Workspace} for the task.
 * Each block's float partial goes into an {@link ExactSums}, so the partition's result, and the merge of all
 * partitions, do not depend on the order blocks or tasks are processed in.
 */
public final class BlockGradient implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int LOSS = 0, WSUM = 1, COUNT = 2, ACT = 3, VLOSS = 4, VWSUM = 5, VCOUNT = 6, GRAD = 7;
  public static final int NONE = 0, AVERAGE = 1, MAX = 2;

  private final Layer layer;
  private final Loss loss;
  private final int pooling;
  private final double actL1, actL2;

  public BlockGradient(Layer layer, Loss loss, int pooling, double actL1, double actL2) {
    this.layer = layer;
    this.loss = loss;
    this.pooling = pooling;
    this.actL1 = actL1;
    this.actL2 = actL2;
  }

  public boolean hasActivity() {
    return actL1 != 0 || actL2 != 0;
  }

  public int size() {
    return GRAD + layer.paramCount();
  }

  /** What one iteration's tasks need besides the blocks. */
  public static final class Step implements Serializable {
    private static final long serialVersionUID = 1L;
    final float[] kernel;
    final float[] bias;
    /** dLoss/dy scale per unit weight, and the activity gradient's scale. */
    final double lossScale, activityScale;
    final boolean gradient;
    final long seed;
    final int iteration;
    final double fraction;

    public Step(float[] kernel, float[] bias, double lossScale, double activityScale, boolean gradient, long seed,
        int iteration, double fraction) {
      this.kernel = kernel;
      this.bias = bias;
      this.lossScale = lossScale;
      this.activityScale = activityScale;
      this.gradient = gradient;
      this.seed = seed;
      this.iteration = iteration;
      this.fraction = fraction;
    }
  }

  /** Whether row {@code id} is in iteration {@code it}'s mini-batch: a hash of (seed, iteration, row). */
  public static boolean sampled(long seed, int it, long id, double fraction) {
    if (fraction >= 1) return true;
    long h = mix(seed ^ mix(it * 0x9E3779B97F4A7C15L + id));
    return (h >>> 11) * 0x1.0p-53 < fraction;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Mini-batch row count and weight sum only (to scale the activity gradient before the main pass). */
  public ExactSums counts(Iterator<TrainBlock> blocks, Step step) {
    ExactSums s = new ExactSums(size());
    while (blocks.hasNext()) {
      TrainBlock b = blocks.next();
      if (b.validation) continue;
      for (int i = 0; i < b.count; i++) {
        if (!sampled(step.seed, step.iteration, b.firstRow + i, step.fraction)) continue;
        s.add(WSUM, b.weights[i]);
        s.add(COUNT, 1);
      }
    }
    return s;
  }

  /**
   * Test hook (local mode, same JVM): when positive, each task sleeps a random time up to this many milliseconds
   * before it starts, so tasks finish in varying orders.
   */
  public static volatile int testMaxDelayMs;

  /** Per-thread output buffers, kept across tasks and iterations (a task thread runs one task at a time). */
  private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][0]);
  /**
   * Per-thread single-threaded workspaces, kept like the buffers: a workspace per task re-grew the kernels' scratch
   * (window and panel copies of a block's size) in every task of every iteration.
   */
  private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::create);

  /**
   * Test hook (local mode, same JVM): when true, the first attempt of every even-numbered partition's task fails
   * (run with master local[N,F], F &gt; 1, so Spark retries it).
   */
  public static volatile boolean testFailFirstAttempts;

  public ExactSums run(Iterator<TrainBlock> blocks, Step step) {
    String killFile = System.getProperty("conv1d.test.killExecutorFile");
    if (killFile != null && new java.io.File(killFile).delete()) {
      // Test hook (local-cluster): the first task that finds the file kills its executor JVM.
      System.exit(17);
    }
    if (testFailFirstAttempts) {
      org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
      if (tc != null && tc.attemptNumber() == 0 && tc.partitionId() % 2 == 0) {
        throw new IllegalStateException("test hook: first attempt of partition " + tc.partitionId() + " fails");
      }
    }
    int delay = testMaxDelayMs;
    if (delay > 0) {
      try {
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(delay + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ExactSums sums = new ExactSums(size());
    Conv1DSpec spec = layer.spec();
    Activation act = Activations.parse(layer.activation);
    Conv1DOp op = Conv1DOp.of(spec, Weights.wrap(step.kernel, spec.kernelSize(), spec.groupInChannels(),
        spec.filters(), step.bias), act);
    boolean perStep = act.spec().startsWith("softmax") && !layer.channelsLast();
    int f = layer.filters, c = layer.inChannels, kl = layer.kernelLength();
    DataFormat fmt = spec.dataFormat();
    boolean last = layer.channelsLast();
    float[][] buffers = BUFFERS.get();
    boolean linear = act.isLinear();
    if (buffers[1] == buffers[0]) buffers[1] = new float[0]; // left aliased by a linear layer's task
    // Linear layer, element-wise loss, no pooling, no activity term: each output is read once, by the loss, before
    // its gradient is written, and nothing reads it after, so the gradient overwrites the output in place. One
    // output-sized array less to stream through the cache per block.
    boolean inPlace = linear && !hasActivity() && pooling == NONE && loss.elementwise();
    float[] zb = buffers[0], yb = linear ? zb : buffers[1], gb = inPlace ? zb : buffers[2];
    float[] dk = new float[kl], db = layer.useBias ? new float[f] : null;
    float[] pooledY = new float[f], pooledG = new float[f];
    int[] argmax = new int[f];
    Workspace ws = WORKSPACES.get();
    while (blocks.hasNext()) {
      TrainBlock b = blocks.next();
      boolean val = b.validation;
      if (!val && step.fraction < 1) {
        boolean[] keep = new boolean[b.count];
        boolean any = false;
        for (int i = 0; i < b.count; i++) {
          keep[i] = sampled(step.seed, step.iteration, b.firstRow + i, step.fraction);
          any |= keep[i];
        }
        if (!any) continue;
        b = b.select(keep, c, f);
      }
      int outFloats = b.zOffsets[b.count] * f;
      if (zb.length < outFloats || yb.length < outFloats || gb.length < outFloats) {
        zb = buffers[0] = new float[outFloats];
        yb = linear ? zb : (buffers[1] = new float[outFloats]);
        gb = inPlace ? zb : (buffers[2] = new float[outFloats]);
      }
      SequenceBatch x = SequenceBatch.of(b.x, b.xOffsets, b.count, c, fmt);
      SequenceBatch z = SequenceBatch.of(zb, b.zOffsets, b.count, f, fmt);
      SequenceBatch y = SequenceBatch.of(yb, b.zOffsets, b.count, f, fmt);
      op.forwardPreActivation(x, z, ws);
      if (perStep) {
        op.forward(x, y, ws);
      } else if (!linear) {
        System.arraycopy(zb, 0, yb, 0, outFloats);
        act.forward(yb, 0, b.zOffsets[b.count], f);
      }
      boolean grad = step.gradient && !val;
      double lossSum = 0, wSum = 0, actSum = 0;
      for (int i = 0; i < b.count; i++) {
        int len = b.zOffsets[i + 1] - b.zOffsets[i];
        int off = b.zOffsets[i] * f;
        double w = b.weights[i];
        double scale = grad ? step.lossScale * w : 0;
        double l;
        int lOff = b.labelOffsets[i];
        if (pooling == NONE) {
          int ss = last ? f : 1, cs = last ? 1 : len;
          int lss = loss.sparse() ? 1 : ss, lcs = loss.sparse() ? 0 : cs;
          l = loss.elementwise()
              ? loss.elementwiseMean(yb, off, len * f, b.labels, lOff, gb, scale)
              : loss.lossAndGrad(yb, off, len, f, ss, cs, b.labels, lOff, lss, lcs, gb, off, scale);
        } else {
          pool(yb, off, len, f, last, pooledY, argmax);
          l = loss.lossAndGrad(pooledY, 0, 1, f, f, 1, b.labels, lOff, 1, loss.sparse() ? 0 : 1, pooledG, 0, scale);
          if (grad) unpool(pooledG, gb, off, len, f, last, argmax);
        }
        lossSum += w * l;
        wSum += w;
        if (!val && hasActivity()) {
          double a = 0, as = step.activityScale;
          for (int j = off; j < off + len * f; j++) {
            double v = yb[j];
            a += (actL1 != 0 ? actL1 * Math.abs(v) : 0) + (actL2 != 0 ? actL2 * v * v : 0);
            if (grad) gb[j] = (float) (gb[j] + as * (actL1 * Math.signum(v) + 2 * actL2 * v));
          }
          actSum += a;
        }
      }
      if (val) {
        sums.add(VLOSS, lossSum);
        sums.add(VWSUM, wSum);
        sums.add(VCOUNT, b.count);
        continue;
      }
      sums.add(LOSS, lossSum);
      sums.add(WSUM, wSum);
      sums.add(COUNT, b.count);
      sums.add(ACT, actSum);
      if (grad) {
        SequenceBatch g = SequenceBatch.of(gb, b.zOffsets, b.count, f, fmt);
        op.activationBackward(z, g, ws);
        Arrays.fill(dk, 0f);
        if (db != null) Arrays.fill(db, 0f);
        op.backwardKernel(x, g, dk, db, ws);
        sums.addAll(GRAD, dk, 0, kl);
        if (db != null) sums.addAll(GRAD + kl, db, 0, f);
      }
    }
    return sums;
  }

  private void pool(float[] y, int off, int len, int f, boolean last, float[] p, int[] argmax) {
    for (int j = 0; j < f; j++) {
      double s = 0;
      float m = Float.NEGATIVE_INFINITY;
      int am = 0;
      for (int t = 0; t < len; t++) {
        float v = y[off + (last ? t * f + j : j * len + t)];
        s += v;
        if (v > m) {
          m = v;
          am = t;
        }
      }
      p[j] = pooling == AVERAGE ? (float) (s / len) : m;
      argmax[j] = am;
    }
  }

  private void unpool(float[] gp, float[] g, int off, int len, int f, boolean last, int[] argmax) {
    for (int j = 0; j < f; j++) {
      for (int t = 0; t < len; t++) {
        int idx = off + (last ? t * f + j : j * len + t);
        g[idx] = pooling == AVERAGE ? gp[j] / len : (t == argmax[j] ? gp[j] : 0f);
      }
    }
  }
}
