package dev.conv1d.spark.exec;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.spark.schema.InputKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Runs the layer over one partition: rows in, the same rows plus the output column out, in order.
 *
 * <p>Rows are gathered into Arrow batches bounded by {@code batchSize} sequences and {@code maxBatchBytes} of input
 * plus output floats, whatever the partition size. Each batch entry is a window of one sequence: the input steps one
 * output chunk needs, zero-padded as the layer's padding requires, so the kernel always runs with valid padding.
 * A sequence that fits is one window; a longer one is split into windows over several batches, and its output is
 * written chunk by chunk into its final array, so memory beyond a row's own input and output stays bounded.
 *
 * <p>Copies on the way: the input window goes from the row into the Arrow batch, which the kernel reads in place
 * (through its NIO view, one cache-sized tile window at a time, {@code SequenceBatch.ofBuffer}). On the way out there is no copy for channels_last rows that fit one batch: the kernel writes into a
 * strided output batch laid out as each row's final {@code UnsafeArrayData}, headers written beforehand
 * ({@link OutputArray#inStaging}), and the row hands Spark an array over the staging itself. Rows split over batches
 * and channels_first outputs are copied from the staging into their own arrays, chunk by chunk (measured on S1
 * nested, 12800 rows: 5% less transform time than copying every row out, BENCHMARKS.md). Row copies (kept rows, see
 * {@link #protectAndHasNext}) and own output arrays are built on byte arrays from a {@link BufferPool}, handed back
 * once the consumer has moved past the row, so a task does not allocate and zero two sequence-sized arrays per row.
 *
 * <p>Rows handed out by {@link #next()} are valid until the following {@code hasNext()}/{@code next()} call, the
 * contract of Spark's own row iterators (the one consumer, Spark's scan over this RDD, projects each row at once).
 *
 * <p>One Arrow child allocator, one {@link Workspace}, the heap output staging and the buffer pools per task, reused
 * across batches, all released by {@link #close()}, which a task completion listener calls on success and failure
 * alike.
 */
final class PartitionRunner implements Iterator<InternalRow>, AutoCloseable {
  private final ExecPlan plan;
  private final Iterator<InternalRow> input;
  private final Conv1DSpec spec;
  private final Conv1DOp op;
  private final SequenceReader reader;
  private final boolean nested;
  private final boolean channelsLast;
  private final int partition;
  private final TaskContext task;
  private final long maxFloats;
  private final BufferAllocator allocator;
  private final ArrowSequences xs;
  private final Workspace workspace = Workspace.create();
  /** Arrays for row copies and for outputs, apart so that rows and outputs of different sizes do not evict each other. */
  private final BufferPool rowPool;
  private final BufferPool outPool;

  private final ArrayDeque<Slot> ready = new ArrayDeque<>();
  /** The row last handed out: its buffers go back to the pool when the consumer asks for more. */
  private Slot emitted;
  private final SparkInternals.Appender appender = new SparkInternals.Appender();
  private final List<Slot> slots = new ArrayList<>();
  /** Slots [0, protectedSlots) are known to hold their own row copies (slots are only appended, then cleared). */
  private int protectedSlots;
  private final List<Piece> pieces = new ArrayList<>();
  private Slot pending;
  private long rowIndex = -1;
  private float[] yStage = new float[0];
  private int[] xOffsets = new int[1];
  private int[] yOffsets = new int[1];
  private int[] yStarts = new int[0];
  /** Floats per output step in the staging (channels_last: whole inner arrays when nested). */
  private final int yStride;
  private boolean closed;

  /** A row on its way through: its input (copied once another row is read) and its output being filled. */
  private static final class Slot {
    InternalRow row;
    boolean copied;
    /** The pooled array under the row copy, or null. */
    byte[] rowBuffer;
    /** Null until the first batch the row is in (and for rows kept with a null output). */
    OutputArray out;
    final long length;
    final int outLen;
    int next;
    boolean complete;

    Slot(InternalRow row, long length, int outLen) {
      this.row = row;
      this.length = length;
      this.outLen = outLen;
    }
  }

  /**
   * Output steps [t0, t0 + n) of one slot, computed by one batch entry into the output staging from float
   * {@code yAt} on; {@code direct}: the whole row, staged as its final array.
   */
  private static final class Piece {
    final Slot slot;
    final int t0;
    final int n;
    final int window;
    final int yAt;
    final boolean direct;

    Piece(Slot slot, int t0, int n, int window, int yAt, boolean direct) {
      this.slot = slot;
      this.t0 = t0;
      this.n = n;
      this.window = window;
      this.yAt = yAt;
      this.direct = direct;
    }
  }

  PartitionRunner(ExecPlan plan, Iterator<InternalRow> input, TaskContext task) {
    this.plan = plan;
    this.input = input;
    this.spec = plan.spec();
    Conv1DSpec windowSpec = spec.toBuilder().padding(Padding.VALID).build();
    this.op = Conv1DOp.of(windowSpec, plan.weights.value().toWeights(), Activations.parse(plan.activation));
    this.reader = new SequenceReader(plan);
    this.nested = plan.kind == InputKind.NESTED;
    this.channelsLast = spec.dataFormat() == DataFormat.CHANNELS_LAST;
    this.yStride = channelsLast ? OutputArray.stagingStride(nested, spec.filters()) : spec.filters();
    this.partition = task == null ? -1 : task.partitionId();
    this.task = task;
    FaultHooks.onTaskStart();
    // maxBatchBytes is a cap, never an allocation size; one Arrow batch holds at most 2^29 - 2 floats.
    this.maxFloats = Math.min(Math.max(1, plan.maxBatchBytes / 4), ArrowSequences.MAX_FLOATS);
    String name = task == null ? "conv1d" : "conv1d-stage" + task.stageId() + "-task" + task.taskAttemptId();
    // Enough for a few batches' rows and outputs, or one large row and output; what is live anyway while a batch's
    // rows wait for the kernel, so pooling adds little to a task's footprint.
    long cap = Math.max(2 * plan.maxBatchBytes, 16L << 20);
    this.rowPool = new BufferPool(cap);
    this.outPool = new BufferPool(cap);
    this.allocator = ArrowMemory.newTaskAllocator(name);
    try {
      this.xs = new ArrowSequences("x", allocator);
    } catch (RuntimeException | Error e) {
      allocator.close();
      throw e;
    }
    if (task != null) task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close());
  }

  @Override
  public boolean hasNext() {
    if (ready.isEmpty()) release();
    while (ready.isEmpty() && !closed) {
      if (pending == null) {
        clearSlots(); // all emitted and consumed: nothing to protect
        if (!input.hasNext()) break;
      }
      step();
    }
    return !ready.isEmpty();
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) throw new NoSuchElementException();
    release();
    Slot slot = ready.poll();
    emitted = slot;
    return appender.append(slot.row, slot.out == null ? null : slot.out.result());
  }

  /** The consumer is done with the row last handed out: its arrays go back to the pool. */
  private void release() {
    Slot s = emitted;
    if (s == null) return;
    emitted = null;
    if (s.out != null) s.out.release(outPool);
    if (s.rowBuffer != null) rowPool.give(s.rowBuffer);
    s.row = null;
    s.rowBuffer = null;
  }

  /** Upstream iterators may reuse the row object on hasNext/next: copy the rows still held before asking. */
  private boolean protectAndHasNext() {
    for (int i = protectedSlots; i < slots.size(); i++) {
      Slot s = slots.get(i);
      if (!s.copied) {
        keepCopy(s);
        s.copied = true;
      }
    }
    protectedSlots = slots.size();
    return input.hasNext();
  }

  /** Replaces the slot's row by a copy; an {@code UnsafeRow} is copied in one memcpy onto a pooled array. */
  private void keepCopy(Slot s) {
    int size = SparkInternals.unsafeRowBytes(s.row);
    if (size < 0) {
      s.row = s.row.copy();
      return;
    }
    byte[] b = rowPool.take(size);
    s.row = SparkInternals.copyRow(s.row, b);
    s.rowBuffer = b;
  }

  private void clearSlots() {
    slots.clear();
    protectedSlots = 0;
  }

  /** Fills one batch, runs the kernel on it and queues every row it completed. */
  private void step() {
    clearSlots();
    pieces.clear();
    Slot carried = pending;
    if (carried != null) slots.add(carried);
    boolean carriedSplit = carried != null && carried.next > 0;
    int c = spec.inChannels(), f = spec.filters(), s = spec.strides(), rf = spec.receptiveField();
    long xFloats = 0, yFloats = 0;
    while (true) {
      if (pending == null) {
        if (slots.size() >= plan.batchSize || !protectAndHasNext()) break;
        InternalRow row = input.next();
        rowIndex++;
        String bad = reader.inspect(row);
        int outLen = 0;
        if (bad == null) {
          outLen = spec.outputLength(reader.length());
          long size = OutputArray.bytes(nested, channelsLast, outLen, f);
          if (!OutputArray.fits(size)) {
            bad = "its output of " + outLen + " steps x " + f + " filters would take " + size
                + " bytes, over Spark's limit of 2^31 bytes for one value";
          }
        }
        if (bad != null) {
          if (plan.onInvalid == ExecPlan.OnInvalid.ERROR) throw invalid(bad);
          if (plan.onInvalid == ExecPlan.OnInvalid.KEEP) {
            Slot kept = new Slot(row, 0, 0);
            kept.complete = true;
            slots.add(kept);
          }
          continue;
        }
        Slot slot = new Slot(row, reader.length(), outLen);
        slots.add(slot);
        if (outLen == 0) {
          slot.out = OutputArray.allocate(nested, channelsLast, 0, f, outPool);
          slot.complete = true;
          continue;
        }
        pending = slot;
      }
      long room = maxFloats - xFloats - yFloats;
      long n;
      boolean direct = false;
      if (channelsLast && pending.next == 0) {
        // The whole row in place (no output copy) when it fits; a row that would fit an empty batch waits for one.
        long whole = ((long) (pending.outLen - 1) * s + rf) * c
            + OutputArray.stagingFloats(nested, pending.outLen, f);
        direct = whole <= room;
        if (!direct && whole <= maxFloats && !pieces.isEmpty()) break;
      }
      if (direct) {
        n = pending.outLen;
      } else {
        n = (room - (long) (rf - s) * c) / ((long) s * c + yStride);
        n = Math.min(n, pending.outLen - pending.next);
        if (n <= 0) {
          if (!pieces.isEmpty()) break;
          n = 1; // always make progress, even when one step exceeds the budget
        }
        if (pending.out == null) pending.out = OutputArray.allocate(nested, channelsLast, pending.outLen, f, outPool);
      }
      int window = (int) ((n - 1) * s + rf);
      long winFloats = (long) window * c;
      long address = xs.prepare(pieces.size() + 1, xFloats + winFloats);
      long q0 = (long) pending.next * s - spec.padLeft((int) pending.length);
      reader.copyWindow(q0, window, address + 4L * xFloats);
      pieces.add(new Piece(pending, pending.next, (int) n, window, (int) yFloats, direct));
      xFloats += winFloats;
      yFloats += direct ? OutputArray.stagingFloats(nested, (int) n, f) : n * yStride;
      if (channelsLast) yFloats += yFloats & 1; // staged arrays start on 8-byte boundaries
      xs.setEnd(pieces.size() - 1, (int) xFloats);
      pending.next += (int) n;
      if (pending.next < pending.outLen) break; // the batch is full
      pending.complete = true;
      pending = null;
      if (carriedSplit) break; // a long row just ended: emit it before reading on, so it is never copied
    }
    if (!pieces.isEmpty()) {
      runKernel((int) xFloats, (int) yFloats);
      FaultHooks.afterBatch(task);
    }
    for (Slot slot : slots) {
      if (slot.complete) ready.add(slot);
    }
  }

  private void runKernel(int xFloats, int yFloats) {
    int count = pieces.size();
    xs.seal(count, xFloats);
    if (yStage.length < yFloats) yStage = new float[yFloats];
    if (xOffsets.length < count + 1) {
      xOffsets = new int[count + 1];
      yOffsets = new int[count + 1];
      yStarts = new int[count];
    }
    int f = spec.filters();
    for (int i = 0; i < count; i++) {
      Piece p = pieces.get(i);
      xOffsets[i + 1] = xOffsets[i] + p.window;
      yOffsets[i + 1] = yOffsets[i] + p.n;
    }
    DataFormat fmt = spec.dataFormat();
    // The kernel reads the Arrow batch in place, a cache-sized window at a time.
    SequenceBatch x = SequenceBatch.ofBuffer(xs.floats(xFloats), xOffsets, count, spec.inChannels(), fmt);
    SequenceBatch y;
    if (channelsLast) {
      int stepHeader = OutputArray.stagingStepHeader(nested, f);
      for (int i = 0; i < count; i++) {
        Piece p = pieces.get(i);
        if (p.direct) {
          p.slot.out = OutputArray.inStaging(yStage, p.yAt, nested, p.n, f);
          yStarts[i] = p.yAt + p.slot.out.firstValue();
        } else {
          if (nested) OutputArray.stageStepHeaders(yStage, p.yAt, p.n, f);
          yStarts[i] = p.yAt + stepHeader;
        }
      }
      y = SequenceBatch.strided(yStage, yOffsets, yStarts, count, f, yStride);
    } else {
      y = SequenceBatch.of(yStage, yOffsets, count, f, fmt);
    }
    op.forward(x, y, workspace);
    for (int i = 0; i < count; i++) {
      Piece p = pieces.get(i);
      if (!p.direct) p.slot.out.write(p.t0, p.n, yStage, channelsLast ? yStarts[i] : yOffsets[i] * f);
    }
  }

  private InvalidInputException invalid(String what) {
    String where = partition >= 0 ? "row " + rowIndex + " of partition " + partition : "row " + rowIndex;
    return new InvalidInputException("Conv1D: invalid sequence in input column '" + plan.inputCol + "' at " + where
        + ": " + what + ". Set handleInvalid to 'skip' to drop such rows or to 'keep' to keep them with a null output.");
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    ready.clear();
    emitted = null;
    rowPool.clear();
    outPool.clear();
    clearSlots();
    pieces.clear();
    pending = null;
    try {
      workspace.close();
    } finally {
      try {
        xs.close();
      } finally {
        ArrowMemory.closeTaskAllocator(allocator);
      }
    }
  }
}
