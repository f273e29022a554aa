package dev.conv1d.spark.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.RandomCases;
import dev.conv1d.spark.schema.InputSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** The executor-side pieces without a SparkSession: output arrays, Arrow batches, the reader and the runner. */
class ExecUnitTest {

  @AfterEach
  void noArrowLeaks() {
    assertEquals(0, ArrowMemory.openTaskAllocators());
    assertEquals(0L, ArrowMemory.allocatedBytes());
  }

  /** A broadcast stand-in, so the runner can be driven without a SparkContext. */
  static final class LocalBroadcast<T> extends Broadcast<T> {
    private static final long serialVersionUID = 1L;
    private final T value;

    LocalBroadcast(T value) {
      super(0L, ClassTag$.MODULE$.apply(Object.class));
      this.value = value;
    }

    @Override public T getValue() { return value; }
    @Override public void doUnpersist(boolean blocking) {}
    @Override public void doDestroy(boolean blocking) {}
  }

  private static float[] floats(ArrayData a) {
    float[] v = new float[a.numElements()];
    for (int i = 0; i < v.length; i++) v[i] = a.getFloat(i);
    return v;
  }

  /**
   * Writes [outLen][F] values in chunks from a heap staging array, as the runner does, and reads them back through
   * Spark's API; the same output built on a recycled array full of old bytes must be byte-identical.
   */
  @Test
  void outputArraysHaveSparksLayoutInEveryShape() {
    int outLen = 71, f = 3; // > 64 outer elements: a second null-bitmap word; odd sizes: padded arrays in every shape
    float[] lastOrder = new float[outLen * f];
    for (int i = 0; i < lastOrder.length; i++) lastOrder[i] = i * 0.5f;
    for (boolean nested : new boolean[] {false, true}) {
      for (boolean channelsLast : new boolean[] {true, false}) {
        OutputArray out = OutputArray.allocate(nested, channelsLast, outLen, f);
        fillInChunks(out, nested, channelsLast, outLen, f, lastOrder);
        BufferPool pool = new BufferPool(1 << 20);
        byte[] old = new byte[(int) OutputArray.bytes(nested, channelsLast, outLen, f) + 24];
        java.util.Arrays.fill(old, (byte) -1);
        pool.give(old);
        OutputArray reused = OutputArray.allocate(nested, channelsLast, outLen, f, pool);
        fillInChunks(reused, nested, channelsLast, outLen, f, lastOrder);
        UnsafeArrayData a = (UnsafeArrayData) out.result();
        String what = (nested ? "nested " : "flat ") + (channelsLast ? "channels_last" : "channels_first");
        if (!nested) {
          float[] got = floats(a);
          for (int t = 0; t < outLen; t++)
            for (int j = 0; j < f; j++)
              assertEquals(lastOrder[t * f + j], got[channelsLast ? t * f + j : j * outLen + t], what);
        } else {
          assertEquals(channelsLast ? outLen : f, a.numElements(), what);
          for (int o = 0; o < a.numElements(); o++) {
            float[] inner = floats(a.getArray(o));
            assertEquals(channelsLast ? f : outLen, inner.length, what);
            for (int i = 0; i < inner.length; i++) {
              assertEquals(channelsLast ? lastOrder[o * f + i] : lastOrder[i * f + o], inner[i], what);
            }
          }
        }
        // Spark's own copy agrees byte for byte, so the array survives UnsafeRow projection and shuffles.
        assertTrue(a.copy().equals(a), what);
        assertEquals(a, reused.result(), what + " on a recycled array");
        if (channelsLast) {
          // In place: headers on a staging array full of old floats, values where the kernel writes them.
          for (int at : new int[] {0, 6}) {
            float[] staging = new float[(int) OutputArray.stagingFloats(nested, outLen, f) + at + 3];
            java.util.Arrays.fill(staging, Float.intBitsToFloat(0xdeadbeef));
            OutputArray staged = OutputArray.inStaging(staging, at, nested, outLen, f);
            int v0 = at + staged.firstValue();
            int stride = OutputArray.stagingStride(nested, f);
            for (int t = 0; t < outLen; t++) {
              for (int j = 0; j < f; j++) staging[v0 + t * stride + j] = lastOrder[t * f + j];
            }
            assertEquals(a, staged.result(), what + " staged at float " + at);
            assertTrue(staged.result().copy().equals(a), what + " staged, copied");
            staged.release(pool); // nothing to give back
          }
        }
      }
    }
  }

  /** Every length around the short/long switch and the long/int/byte tails, at odd offsets, heap and native. */
  @Test
  void shortCopyMovesExactlyTheBytesAskedFor() {
    int max = (int) SparkInternals.SHORT_BYTES + 24;
    byte[] src = new byte[max + 16];
    new SplittableRandom(7).nextBytes(src);
    BufferAllocator allocator = ArrowMemory.newTaskAllocator("short-copy-test");
    try (org.apache.arrow.memory.ArrowBuf nat = allocator.buffer(max + 32)) {
      for (int n = 0; n <= max; n++) {
        for (int from : new int[] {0, 3, 4}) {
          for (int to : new int[] {0, 1, 4, 12}) {
            byte[] dst = new byte[max + 32];
            java.util.Arrays.fill(dst, (byte) 0x5a);
            SparkInternals.copy(src, Platform.BYTE_ARRAY_OFFSET + from, dst, Platform.BYTE_ARRAY_OFFSET + to, n);
            for (int i = 0; i < dst.length; i++) {
              byte want = i >= to && i < to + n ? src[from + i - to] : (byte) 0x5a;
              assertEquals(want, dst[i], "heap n=" + n + " from=" + from + " to=" + to + " at " + i);
            }
            nat.setBytes(0, dst);
            SparkInternals.copy(src, Platform.BYTE_ARRAY_OFFSET + from, null, nat.memoryAddress() + to + 1, n);
            SparkInternals.copy(null, nat.memoryAddress() + to + 1, dst, Platform.BYTE_ARRAY_OFFSET + to + 1, n);
            for (int i = 0; i < n; i++) {
              assertEquals(src[from + i], dst[to + 1 + i], "native n=" + n + " from=" + from + " to=" + to);
            }
            assertEquals((byte) 0x5a, dst[to + 1 + n], "native n=" + n + ": a byte past the end was written");
          }
        }
      }
    } finally {
      ArrowMemory.closeTaskAllocator(allocator);
    }
  }

  /** Chunks as the runner stages them: channels_last steps at the staging stride (whole inner arrays if nested). */
  private static void fillInChunks(OutputArray out, boolean nested, boolean channelsLast, int outLen, int f,
      float[] lastOrder) {
    int stride = channelsLast ? OutputArray.stagingStride(nested, f) : f;
    int head = channelsLast ? OutputArray.stagingStepHeader(nested, f) : 0;
    float[] buf = new float[outLen * stride + 6];
    java.util.Arrays.fill(buf, Float.NaN);
    int[] cuts = {0, 1, 33, 64, outLen};
    for (int k = 0; k + 1 < cuts.length; k++) {
      int t0 = cuts[k], n = cuts[k + 1] - cuts[k];
      if (channelsLast && nested) OutputArray.stageStepHeaders(buf, 6, n, f);
      for (int t = 0; t < n; t++) {
        for (int j = 0; j < f; j++) {
          buf[6 + head + (channelsLast ? t * stride + j : j * n + t)] = lastOrder[(t0 + t) * f + j];
        }
      }
      out.write(t0, n, buf, 6 + head);
    }
  }

  @Test
  void arrowSequencesGrowAndStayValid() {
    BufferAllocator alloc = ArrowMemory.newTaskAllocator("unit");
    try (ArrowSequences s = new ArrowSequences("x", alloc)) {
      for (int round = 0; round < 3; round++) {
        int count = 100 * (round + 1), per = 50 * (3 - round);
        long addr = s.prepare(count, (long) count * per);
        for (int i = 0; i < count * per; i++) Platform.putFloat(null, addr + 4L * i, i + round);
        for (int i = 0; i < count; i++) s.setEnd(i, (i + 1) * per);
        s.seal(count, count * per);
        assertEquals(count, s.vector().getValueCount());
        Float4Vector v = (Float4Vector) s.vector().getDataVector();
        assertEquals(count * per, v.getValueCount());
        assertEquals(per * 7 + round, v.get(per * 7), 0f, "Arrow sees the values");
        assertEquals(per * 7, s.start(7));
        List<?> list = s.vector().getObject(3);
        assertEquals(per, list.size());
        java.nio.FloatBuffer back = s.floats(count * per);
        assertEquals(count * per, back.limit());
        assertEquals(count * per - 1 + round, back.get(count * per - 1), 0f, "the kernel's view sees the values");
      }
    } finally {
      ArrowMemory.closeTaskAllocator(alloc);
    }
  }

  private static ExecPlan plan(Conv1DSpec spec, Weights w, StructType schema, String onInvalid, int batchSize,
      long maxBatchBytes, Integer inputChannels) {
    InputSchema in = InputSchema.resolve(schema, "sequence", "out", inputChannels, spec.inChannels(),
        onInvalid.equals("keep"));
    return new ExecPlan(spec, "linear", in, "sequence", ExecPlan.OnInvalid.parse(onInvalid), batchSize,
        maxBatchBytes, new LocalBroadcast<>(new WeightsData(w)));
  }

  @Test
  void readerCopiesPaddedWindowsFromUnsafeAndGenericArrays() {
    Conv1DSpec spec = Conv1DSpec.builder().inChannels(2).filters(1).kernelSize(1).build();
    Weights w = Weights.ofFlat(new float[] {1, 1}, 1, 2, 1, null);
    for (boolean doubles : new boolean[] {false, true}) {
      StructType schema = new StructType().add("sequence",
          DataTypes.createArrayType(doubles ? DataTypes.DoubleType : DataTypes.FloatType));
      for (String fmt : new String[] {"channels_last", "channels_first"}) {
        Conv1DSpec s = spec.toBuilder().dataFormat(fmt).build();
        SequenceReader r = new SequenceReader(plan(s, w, schema, "error", 1, 1 << 20, 2));
        Object[] values = new Object[8];
        for (int i = 0; i < 8; i++) values[i] = doubles ? (Object) (double) (i + 1) : (Object) (float) (i + 1);
        ArrayData generic = new GenericArrayData(values);
        ArrayData unsafe = doubles ? UnsafeArrayData.fromPrimitiveArray(new double[] {1, 2, 3, 4, 5, 6, 7, 8})
            : UnsafeArrayData.fromPrimitiveArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        for (ArrayData a : new ArrayData[] {generic, unsafe}) {
          assertNull(r.inspect(new GenericInternalRow(new Object[] {a})));
          assertEquals(4, r.length());
          long buf = Platform.allocateMemory(4L * 2 * 7);
          try {
            r.copyWindow(-2, 7, buf); // steps -2..4: two zeros, four steps, one zero
            float[] got = new float[14];
            for (int i = 0; i < 14; i++) got[i] = Platform.getFloat(null, buf + 4L * i);
            float[] want = fmt.equals("channels_last")
                ? new float[] {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0}
                : new float[] {0, 0, 1, 2, 3, 4, 0, 0, 0, 5, 6, 7, 8, 0};
            assertArrayEquals(want, got, fmt + (doubles ? " doubles " : " floats ") + a.getClass().getSimpleName());
          } finally {
            Platform.freeMemory(buf);
          }
        }
      }
    }
  }

  /**
   * An upstream iterator that reuses one row object, as Spark's generated code does: the runner must copy rows it
   * still holds before advancing. Also checks that Arrow memory stays within the batch budget.
   */
  @Test
  void runnerCopesWithReusedRowsAndBoundsMemory() {
    SplittableRandom r = new SplittableRandom(5);
    Conv1DSpec spec = Conv1DSpec.builder().inChannels(3).filters(4).kernelSize(5).padding("same").build();
    Weights w = Weights.ofFlat(RandomCases.floats(r, spec.kernelLength()), 5, 3, 4, RandomCases.floats(r, 4));
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("sequence", DataTypes.createArrayType(DataTypes.FloatType, false));
    int rows = 400;
    int[] offs = new int[rows + 1];
    for (int i = 0; i < rows; i++) offs[i + 1] = offs[i] + (i % 50 == 0 ? 3000 : r.nextInt(60));
    SequenceBatch x = SequenceBatch.allocate(offs, 3, DataFormat.CHANNELS_LAST);
    RandomCases.fill(r, x.values());
    SequenceBatch want = Conv1DOp.of(spec, w, Activations.linear()).forward(x);
    UnsafeProjection proj = UnsafeProjection.create(schema);
    Iterator<InternalRow> upstream = new Iterator<>() {
      int i = 0;
      @Override public boolean hasNext() { return i < rows; }
      @Override public InternalRow next() {
        float[] v = new float[x.length(i) * 3];
        System.arraycopy(x.values(), x.start(i), v, 0, v.length);
        InternalRow row = proj.apply(new GenericInternalRow(new Object[] {i, UnsafeArrayData.fromPrimitiveArray(v)}));
        i++;
        return row; // the same UnsafeRow object every time
      }
    };
    long budget = 64 << 10;
    ArrowMemory.resetMaxTaskPeak();
    List<float[]> got = new ArrayList<>();
    try (PartitionRunner runner = new PartitionRunner(plan(spec, w, schema, "error", 16, budget, 3), upstream, null)) {
      int i = 0;
      while (runner.hasNext()) {
        InternalRow out = runner.next();
        assertEquals(i++, out.getInt(0), "order and pass-through");
        got.add(floats(out.getArray(2)));
      }
    }
    assertEquals(rows, got.size());
    for (int i = 0; i < rows; i++) {
      double[] e = new double[want.length(i) * 4];
      for (int k = 0; k < e.length; k++) e[k] = want.values()[want.start(i) + k];
      Close.check("row " + i, got.get(i), 0, e, 1e-6);
    }
    long peak = ArrowMemory.maxTaskPeakBytes();
    assertTrue(peak > 0 && peak <= 4 * budget, "Arrow peak " + peak + " within a few budgets of " + budget
        + " while the partition holds " + 4L * x.values().length + " input bytes");
  }
}
