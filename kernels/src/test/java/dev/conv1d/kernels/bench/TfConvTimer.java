package dev.conv1d.kernels.bench;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.Conv2dBackpropFilter;
import org.tensorflow.op.nn.Conv2dBackpropInput;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * TensorFlow's conv1d for one benchmark shape, one graph holding the three directions, run in one {@link Session}
 * whose intra-op parallelism is the benchmark's thread count and inter-op parallelism 1.
 *
 * <p>The graph is the one {@code dev.conv1d.kernels.tf.TfConv1D} (the test oracle) builds, without bias and
 * channels_last only: [N, L, C] expanded to [N, 1, L, C], the Keras kernel [K, C/groups, F] to [1, K, C/groups, F],
 * {@code Conv2D} NHWC with strides [1, 1, s, 1] and dilations [1, 1, d, 1]; 'causal' is an explicit {@code Pad} of
 * (K-1)*d zeros on the left then VALID; with dilation &gt; 1 the path Keras and {@code tf.nn.convolution} take:
 * {@code SpaceToBatchND}, an undilated VALID conv, {@code BatchToSpaceND} (TensorFlow's CPU
 * {@code Conv2DBackpropFilter} does not take dilations itself). The gradients are what TensorFlow's autodiff emits
 * for that graph: {@code Conv2DBackpropInput} / {@code Conv2DBackpropFilter} with the forward's attributes,
 * SpaceToBatchND and BatchToSpaceND swapped, a {@code Slice} for the causal pad.
 *
 * <p>Timing: the three input tensors (x, kernel, dz) are created once, before any timing; a timed call is one
 * {@code Session.run} that feeds them (no copy: TensorFlow reads the native tensors) and fetches one direction's
 * output, so TensorFlow prunes the graph to that direction. Closing the fetched tensor is left outside the timer.
 * Placeholders carry static shapes; nothing in the graph is a constant that Grappler could fold the convolution into.
 *
 * <p>TensorFlow creates its intra-op thread pool once per process, sized by the first session's
 * {@code intra_op_parallelism_threads}; later sessions with another setting silently share that pool (seen with
 * TF Java 1.1.0 / TensorFlow 2.18: intra-op 1 then 2 ran on one thread, 2 then 1 on two), so one JVM must use
 * one thread count for every session it creates.
 */
final class TfConvTimer implements AutoCloseable {

  /** The three directions of the benchmark. */
  enum Direction {
    FORWARD("forward"), INPUT_GRAD("input-grad"), KERNEL_GRAD("kernel-grad");

    final String label;

    Direction(String label) {
      this.label = label;
    }
  }

  private final Graph graph;
  private final Session session;
  private final TFloat32 xt, wt, dzt;
  private Placeholder<TFloat32> x, w, dz;
  private Operand<TFloat32> y, dx, dw;

  /**
   * @param xv input [batch][length][in_channels] flat
   * @param kernel Keras kernel [K][C/groups][F] flat
   * @param dzv output gradient [batch][out_length][filters] flat
   */
  TfConvTimer(BenchShape b, int intraOpThreads, float[] xv, float[] kernel, float[] dzv) {
    Conv1DSpec s = b.spec;
    if (s.dataFormat() != DataFormat.CHANNELS_LAST) throw new IllegalArgumentException("channels_last only");
    graph = new Graph();
    try {
      build(b);
      ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOpThreads)
          .setInterOpParallelismThreads(1).build();
      session = new Session(graph, config);
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
    xt = TFloat32.tensorOf(Shape.of(b.batch, b.length, s.inChannels()), DataBuffers.of(xv, true, false));
    wt = TFloat32.tensorOf(Shape.of(s.kernelSize(), s.groupInChannels(), s.filters()),
        DataBuffers.of(kernel, true, false));
    dzt = TFloat32.tensorOf(Shape.of(b.batch, b.outLength(), s.filters()), DataBuffers.of(dzv, true, false));
  }

  /** One timed unit: a session run fetching the direction's output. The caller closes the result. */
  Result run(Direction d) {
    Operand<TFloat32> fetch = d == Direction.FORWARD ? y : d == Direction.INPUT_GRAD ? dx : dw;
    return session.runner().feed(x, xt).feed(w, wt).feed(dz, dzt).fetch(fetch).run();
  }

  /** The direction's output, copied out (for the agreement check, outside timing). */
  float[] output(Direction d) {
    try (Result r = run(d)) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] v = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  private static List<Long> longs(long... v) {
    List<Long> l = new ArrayList<>(v.length);
    for (long e : v) l.add(e);
    return l;
  }

  private void build(BenchShape b) {
    Conv1DSpec s = b.spec;
    int c = s.inChannels(), f = s.filters(), k = s.kernelSize(), cg = s.groupInChannels(), d = s.dilationRate();
    Ops tf = Ops.create(graph);
    x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b.batch, b.length, c)));
    w = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(k, cg, f)));
    dz = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b.batch, b.outLength(), f)));

    boolean causal = s.padding() == Padding.CAUSAL;
    int causalLeft = causal ? s.receptiveField() - 1 : 0;
    Operand<TFloat32> xp = causal
        ? tf.pad(x, tf.constant(new int[][] {{0, 0}, {causalLeft, 0}, {0, 0}}), tf.constant(0f)) : x;
    String padding = s.padding() == Padding.SAME ? "SAME" : "VALID";
    long stride = s.strides(), dil = d;
    boolean s2b = d > 1;
    Operand<TInt32> block = tf.constant(new int[] {d});
    Operand<TInt32> s2bPaddings = null, s2bCrops = null;
    Operand<TFloat32> xs = xp;
    if (s2b) {
      // As TfConv1D: array_ops.required_space_to_batch_paddings, SAME's base padding (rf-1)/2 left, rest right.
      int baseStart = 0, baseEnd = 0;
      if (s.padding() == Padding.SAME) {
        int extra = (k - 1) * d;
        baseStart = extra / 2;
        baseEnd = extra - baseStart;
      }
      int full = b.length + causalLeft + baseStart + baseEnd;
      int endExtra = (d - full % d) % d;
      s2bPaddings = tf.constant(new int[][] {{baseStart, baseEnd + endExtra}});
      s2bCrops = tf.constant(new int[][] {{0, endExtra}});
      xs = tf.spaceToBatchNd(xp, block, s2bPaddings);
      padding = "VALID";
      stride = 1;
      dil = 1;
    }
    Operand<TFloat32> x4 = tf.expandDims(xs, tf.constant(1));
    Operand<TFloat32> w4 = tf.expandDims(w, tf.constant(0));
    List<Long> strides = longs(1, 1, stride, 1), dilations = longs(1, 1, dil, 1);
    Operand<TFloat32> dzs = s2b ? tf.spaceToBatchNd(dz, block, s2bCrops) : dz;
    Operand<TFloat32> dz4 = tf.expandDims(dzs, tf.constant(1));

    Operand<TFloat32> y3 = tf.squeeze(tf.nn.conv2d(x4, w4, strides, padding, Conv2d.dataFormat("NHWC"),
        Conv2d.dilations(dilations)), Squeeze.axis(1L));
    y = s2b ? tf.batchToSpaceNd(y3, block, s2bCrops) : y3;

    Operand<TFloat32> dx3 = tf.squeeze(tf.nn.conv2dBackpropInput(tf.shape(x4), w4, dz4, strides, padding,
        Conv2dBackpropInput.dataFormat("NHWC"), Conv2dBackpropInput.dilations(dilations)), Squeeze.axis(1L));
    if (s2b) dx3 = tf.batchToSpaceNd(dx3, block, s2bPaddings);
    dx = causal ? tf.slice(dx3, tf.constant(new int[] {0, causalLeft, 0}), tf.constant(new int[] {-1, -1, -1})) : dx3;

    dw = tf.squeeze(tf.nn.conv2dBackpropFilter(x4, tf.shape(w4), dz4, strides, padding,
        Conv2dBackpropFilter.dataFormat("NHWC"), Conv2dBackpropFilter.dilations(dilations)), Squeeze.axis(0L));
  }

  @Override
  public void close() {
    try {
      xt.close();
      wt.close();
      dzt.close();
      session.close();
    } finally {
      graph.close();
    }
  }
}
