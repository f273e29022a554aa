package dev.conv1d.spark.train;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.spark.exec.ColumnReader;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Stacks a partition's rows into {@link TrainBlock}s of at most {@code maxBlockBytes} (a row larger than that is a
 * block of its own), validating each row: the sequence (with the transformer's reader and messages), the label
 * (null, shape against the output the sequence produces, class range), the weight (null, negative, not finite).
 * A bad row fails the task with a message naming the column, the partition and the row's index in it, or, with
 * a {@code skipped} counter (handleInvalid skip or keep), is left out of training and counted.
 */
public final class Blockifier implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Layer layer;
  private final ColumnReader input;
  private final String inputCol;
  private final LabelSpec label;
  private final boolean pooled;
  private final int weightOrdinal, weightCode;
  private final String weightCol;
  private final int validationOrdinal;
  private final long maxBlockBytes;
  private final org.apache.spark.util.LongAccumulator skipped;

  public Blockifier(Layer layer, ColumnReader input, String inputCol, LabelSpec label, boolean pooled,
      int weightOrdinal, int weightCode, String weightCol, int validationOrdinal, long maxBlockBytes,
      org.apache.spark.util.LongAccumulator skipped) {
    this.skipped = skipped;
    this.layer = layer;
    this.input = input;
    this.inputCol = inputCol;
    this.label = label;
    this.pooled = pooled;
    this.weightOrdinal = weightOrdinal;
    this.weightCode = weightCode;
    this.weightCol = weightCol;
    this.validationOrdinal = validationOrdinal;
    this.maxBlockBytes = Math.max(1024, maxBlockBytes);
  }

  /** Per-partition builder for one of the two block kinds (training, validation). */
  private final class Builder {
    final boolean validation;
    final int partition;
    final List<TrainBlock> done = new ArrayList<>();
    float[] x = new float[1024], labels = new float[256], weights = new float[64];
    int[] xo = new int[65], zo = new int[65], lo = new int[65];
    int n;
    long firstRow = -1;

    Builder(boolean validation, int partition) {
      this.validation = validation;
      this.partition = partition;
    }

    long bytes() {
      return 4L * (xo[n] * (long) layer.inChannels + lo[n] + n);
    }

    void flush() {
      if (n == 0) return;
      done.add(new TrainBlock(n, Arrays.copyOf(x, xo[n] * layer.inChannels), Arrays.copyOf(xo, n + 1),
          Arrays.copyOf(zo, n + 1), Arrays.copyOf(labels, lo[n]), Arrays.copyOf(lo, n + 1), Arrays.copyOf(weights, n),
          firstRow, validation));
      n = 0;
      firstRow = -1;
    }
  }

  private String where(int partition, long row) {
    return "Conv1D fit: row " + row + " of partition " + partition + ": ";
  }

  /** The partition's blocks, built lazily as they are consumed (one block in the making at a time per kind). */
  public Iterator<TrainBlock> apply(int partition, Iterator<InternalRow> rows) {
    return new Iterator<TrainBlock>() {
      final Conv1DSpec spec = layer.spec();
      final ColumnReader.Open in = input.open();
      final ColumnReader.Open lab = label.reader == null ? null : label.reader.open();
      final Builder train = new Builder(false, partition), val = new Builder(true, partition);
      final java.util.ArrayDeque<TrainBlock> ready = new java.util.ArrayDeque<>();
      long row = -1;
      boolean finished;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && !finished) {
          if (rows.hasNext()) {
            row++;
            InternalRow r = rows.next();
            if (skipped == null) {
              add(r, row);
            } else {
              try {
                add(r, row);
              } catch (IllegalArgumentException e) {
                skipped.add(1); // handleInvalid skip: the row's checks all run before it is added to a block
              }
            }
          } else {
            train.flush();
            val.flush();
            finished = true;
          }
          ready.addAll(train.done);
          ready.addAll(val.done);
          train.done.clear();
          val.done.clear();
        }
        return !ready.isEmpty();
      }

      @Override
      public TrainBlock next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        return ready.poll();
      }

      void add(InternalRow r, long row) {
        int c = layer.inChannels, f = layer.filters;
        boolean isVal = validationOrdinal >= 0 && !r.isNullAt(validationOrdinal) && r.getBoolean(validationOrdinal);
        Builder b = isVal ? val : train;
        String bad = in.inspect(r);
        if (bad != null) {
          throw new IllegalArgumentException(where(partition, row) + "inputCol '" + inputCol + "': " + bad);
        }
        int len = in.length();
        int outLen = spec.outputLength(len);
        if (outLen <= 0) {
          throw new IllegalArgumentException(where(partition, row) + "inputCol '" + inputCol + "': the sequence has "
              + len + " steps, too short for an output with kernelSize " + layer.kernelSize + ", dilationRate "
              + layer.dilationRate + " and padding " + layer.padding);
        }
        float w = 1f;
        if (weightOrdinal >= 0) {
          if (r.isNullAt(weightOrdinal)) {
            throw new IllegalArgumentException(where(partition, row) + "weightCol '" + weightCol + "' is null");
          }
          double wd = Numeric.get(r, weightOrdinal, weightCode);
          if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException(where(partition, row) + "weightCol '" + weightCol + "' is " + wd
                + "; weights must be finite and >= 0");
          }
          w = (float) wd;
        }
        if (r.isNullAt(label.ordinal)) {
          throw new IllegalArgumentException(where(partition, row) + "labelCol '" + label.column + "' is null");
        }
        int labelFloats;
        switch (label.mode) {
          case SEQUENCE: labelFloats = outLen * f; break;
          case STEP_CLASSES: labelFloats = outLen; break;
          case PER_SEQUENCE: labelFloats = f; break;
          default: labelFloats = 1; break;
        }
        if (b.n + 1 >= b.xo.length) {
          int cap = b.xo.length * 2;
          b.xo = Arrays.copyOf(b.xo, cap);
          b.zo = Arrays.copyOf(b.zo, cap);
          b.lo = Arrays.copyOf(b.lo, cap);
          b.weights = Arrays.copyOf(b.weights, cap);
        }
        long xNeed = (long) (b.xo[b.n] + len) * c;
        long lNeed = (long) b.lo[b.n] + labelFloats;
        if (xNeed > Integer.MAX_VALUE - 8 || lNeed > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException(where(partition, row) + "the sequence is too long for one block ("
              + len + " steps of " + c + " channels)");
        }
        if (xNeed > b.x.length) b.x = Arrays.copyOf(b.x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(xNeed, 2L * b.x.length)));
        if (lNeed > b.labels.length) {
          b.labels = Arrays.copyOf(b.labels, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(lNeed, 2L * b.labels.length)));
        }
        readLabel(r, lab, outLen, b.labels, b.lo[b.n], partition, row);
        in.copyTo(b.x, b.xo[b.n] * c);
        for (int i = b.xo[b.n] * c, e = i + len * c; i < e; i++) {
          if (!Float.isFinite(b.x[i])) {
            throw new IllegalArgumentException(where(partition, row) + "inputCol '" + inputCol + "': value "
                + (i - b.xo[b.n] * c) + " (in the data format's order) is " + b.x[i] + "; training needs finite input");
          }
        }
        if (b.firstRow < 0) b.firstRow = ((long) partition << 40) + row;
        b.weights[b.n] = w;
        b.xo[b.n + 1] = b.xo[b.n] + len;
        b.zo[b.n + 1] = b.zo[b.n] + outLen;
        b.lo[b.n + 1] = (int) lNeed;
        b.n++;
        if (b.bytes() >= maxBlockBytes) b.flush();
      }
    };
  }

  private void readLabel(InternalRow r, ColumnReader.Open lab, int outLen, float[] dst, int at, int partition,
      long row) {
    String col = "labelCol '" + label.column + "'";
    int f = layer.filters;
    switch (label.mode) {
      case SEQUENCE:
      case PER_SEQUENCE: {
        String bad = lab.inspect(r);
        if (bad != null) throw new IllegalArgumentException(where(partition, row) + col + ": " + bad);
        int want = label.mode == LabelSpec.Mode.SEQUENCE ? outLen : 1;
        if (lab.length() != want) {
          throw new IllegalArgumentException(where(partition, row) + col + ": "
              + (label.mode == LabelSpec.Mode.SEQUENCE
                  ? "the label has " + lab.length() + " steps of " + f + " filters but the output has " + outLen
                    + " steps"
                  : "the label has " + (long) lab.length() * f + " values; expected one per filter (" + f + ")"));
        }
        lab.copyTo(dst, at);
        for (int i = 0; i < want * f; i++) {
          if (!Float.isFinite(dst[at + i])) {
            throw new IllegalArgumentException(where(partition, row) + col + ": value " + i + " is " + dst[at + i]);
          }
        }
        return;
      }
      case STEP_CLASSES: {
        ArrayData a = r.getArray(label.ordinal);
        if (a.numElements() != outLen) {
          throw new IllegalArgumentException(where(partition, row) + col + ": " + a.numElements()
              + " classes but the output has " + outLen + " steps (one class per step)");
        }
        for (int t = 0; t < outLen; t++) {
          if (a.isNullAt(t)) throw new IllegalArgumentException(where(partition, row) + col + ": step " + t + " is null");
          dst[at + t] = classIndex(Numeric.get(a, t, label.code), partition, row, "step " + t + ": ");
        }
        return;
      }
      default: {
        double v = Numeric.get(r, label.ordinal, label.code);
        if (label.classes) {
          dst[at] = classIndex(v, partition, row, "");
        } else {
          if (!Double.isFinite(v)) throw new IllegalArgumentException(where(partition, row) + col + " is " + v);
          dst[at] = (float) v;
        }
      }
    }
  }

  private float classIndex(double v, int partition, long row, String step) {
    if (!(v >= 0 && v < layer.filters && v == Math.rint(v))) {
      throw new IllegalArgumentException(where(partition, row) + "labelCol '" + label.column + "': " + step + "class "
          + v + " is not an integer in [0, filters = " + layer.filters + ")");
    }
    return (float) v;
  }
}
