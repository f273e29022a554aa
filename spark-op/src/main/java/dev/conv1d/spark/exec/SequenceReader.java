package dev.conv1d.spark.exec;

import dev.conv1d.spark.schema.InputKind;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Reads one row's sequence straight from Spark's internal arrays: {@link #inspect} validates it (nulls, channel
 * counts, ragged inner arrays) without copying, then {@link #copyWindow} copies any step range of it, zero-padded
 * outside the sequence, into native memory in the data format's layout. Float data in Spark's unsafe arrays is
 * copied with one {@code memcpy} per contiguous run ({@link SparkInternals} reads the layout); doubles are narrowed
 * element by element; nothing is boxed.
 */
final class SequenceReader {
  private final InputKind kind;
  private final boolean doubles;
  private final boolean channelsLast;
  private final boolean outerNulls;
  private final boolean innerNulls;
  private final int channels;
  private final int ordinal;

  /** Nested: the outer array; flat and vector: the values. */
  private ArrayData data;
  private int length;

  SequenceReader(ExecPlan p) {
    this(p.kind, p.doubles, p.dataFormat, p.outerContainsNull, p.innerContainsNull, p.inChannels, p.ordinal);
  }

  /** A reader for any sequence-shaped column, e.g. the estimator's label column (channels = filters). */
  SequenceReader(InputKind kind, boolean doubles, String dataFormat, boolean outerNulls, boolean innerNulls,
      int channels, int ordinal) {
    this.kind = kind;
    this.doubles = doubles;
    this.channelsLast = dataFormat.equals("channels_last");
    this.outerNulls = outerNulls;
    this.innerNulls = innerNulls;
    this.channels = channels;
    this.ordinal = ordinal;
  }

  /** Steps of the sequence last inspected. */
  int length() {
    return length;
  }

  /** Validates the row's sequence and makes it current; returns null when it is valid, else what is wrong. */
  String inspect(InternalRow row) {
    data = null;
    if (row.isNullAt(ordinal)) return "the sequence is null";
    switch (kind) {
      case NESTED:
        return inspectNested(row.getArray(ordinal));
      case FLAT:
        return inspectFlat(row.getArray(ordinal), outerNulls);
      case VECTOR: {
        InternalRow v = row.getStruct(ordinal, 4);
        if (v.getByte(0) != 1) {
          return "it is a sparse vector; expected a dense vector (flat, " + layoutWords() + ")";
        }
        return inspectFlat(v.getArray(3), false);
      }
      default:
        throw new AssertionError(kind);
    }
  }

  private String inspectFlat(ArrayData a, boolean nulls) {
    int n = a.numElements();
    if (n % channels != 0) {
      return "it has " + n + " values, not a multiple of inputChannels = " + channels + " (flat, " + layoutWords() + ")";
    }
    if (nulls) {
      int at = firstNull(a);
      if (at >= 0) return "element " + at + " is null";
    }
    data = a;
    length = n / channels;
    return null;
  }

  private String inspectNested(ArrayData outer) {
    int n = outer.numElements();
    String unit = channelsLast ? "step" : "channel row";
    if (outerNulls) {
      int at = firstNull(outer);
      if (at >= 0) return unit + " " + at + " is null";
    }
    if (channelsLast && SparkInternals.isUnsafe(outer) && !innerNulls) {
      Object base = SparkInternals.base(outer);
      long at = SparkInternals.offset(outer), slots = SparkInternals.valuesAt(base, at);
      for (int q = 0; q < n; q++) {
        long k = SparkInternals.elementCount(base, SparkInternals.innerArrayAt(base, at, slots, q));
        if (k != channels) {
          return "step " + q + " has " + k + " channels; expected " + channels
              + " (channels_last rows are [length][channels])";
        }
      }
      length = n;
    } else if (channelsLast) {
      for (int q = 0; q < n; q++) {
        ArrayData inner = outer.getArray(q);
        int k = inner.numElements();
        if (k != channels) {
          return "step " + q + " has " + k + " channels; expected " + channels
              + " (channels_last rows are [length][channels])";
        }
        if (innerNulls) {
          int at = firstNull(inner);
          if (at >= 0) return "step " + q + ", channel " + at + " is null";
        }
      }
      length = n;
    } else {
      if (n != channels) {
        return "it has " + n + " channel rows; expected " + channels + " (channels_first rows are [channels][length])";
      }
      int len = outer.getArray(0).numElements();
      for (int c = 0; c < n; c++) {
        ArrayData inner = outer.getArray(c);
        int k = inner.numElements();
        if (k != len) {
          return "ragged channel rows: channel row " + c + " has " + k + " steps but channel row 0 has " + len;
        }
        if (innerNulls) {
          int at = firstNull(inner);
          if (at >= 0) return "channel row " + c + ", step " + at + " is null";
        }
      }
      length = len;
    }
    data = outer;
    return null;
  }

  private String layoutWords() {
    return channelsLast ? "[length][channels] for channels_last" : "[channels][length] for channels_first";
  }

  /**
   * Copies steps [q0, q0 + steps) of the current sequence to {@code dst} as [steps][channels] (channels_last) or
   * [channels][steps] (channels_first); steps outside [0, length) are zeros.
   */
  void copyWindow(long q0, int steps, long dst) {
    copyWindow(q0, steps, null, dst);
  }

  /** As {@link #copyWindow(long, int, long)} into {@code dstBase} (null: native memory, or a float[]) at dst. */
  void copyWindow(long q0, int steps, Object dstBase, long dst) {
    int c = channels;
    long lo = Math.max(q0, 0), hi = Math.min(q0 + steps, length);
    int before = (int) Math.min(steps, Math.max(0, -q0));
    int mid = (int) Math.max(0, hi - lo);
    int after = steps - before - mid;
    if (channelsLast) {
      zero(dstBase, dst, (long) before * c);
      long d = dst + 4L * before * c;
      if (kind == InputKind.NESTED && SparkInternals.isUnsafe(data) && !doubles) {
        Object base = SparkInternals.base(data);
        long header = SparkInternals.headerBytes(c);
        long at = SparkInternals.offset(data), slots = SparkInternals.valuesAt(base, at);
        for (int q = (int) lo; q < hi; q++, d += 4L * c) {
          SparkInternals.copy(base, SparkInternals.innerArrayAt(base, at, slots, q) + header, dstBase, d, 4L * c);
        }
      } else if (kind == InputKind.NESTED) {
        for (int q = (int) lo; q < hi; q++, d += 4L * c) copy(data.getArray(q), 0, c, dstBase, d);
      } else {
        copy(data, (int) lo * c, mid * c, dstBase, d);
        d += 4L * mid * c;
      }
      zero(dstBase, d, (long) after * c);
    } else {
      for (int ch = 0; ch < c; ch++) {
        long d = dst + 4L * ch * steps;
        zero(dstBase, d, before);
        if (kind == InputKind.NESTED) copy(data.getArray(ch), (int) lo, mid, dstBase, d + 4L * before);
        else copy(data, ch * length + (int) lo, mid, dstBase, d + 4L * before);
        zero(dstBase, d + 4L * (before + mid), after);
      }
    }
  }

  private static void zero(Object base, long dst, long floats) {
    SparkInternals.zero(base, dst, 4L * floats);
  }

  /** Copies n elements of {@code a} from {@code from} to native floats at {@code dst}. */
  private void copy(ArrayData a, int from, int n, Object dstBase, long dst) {
    if (n <= 0) return;
    if (SparkInternals.isUnsafe(a)) {
      Object base = SparkInternals.base(a);
      long src = SparkInternals.valuesAt(base, SparkInternals.offset(a));
      if (!doubles) {
        SparkInternals.copy(base, src + 4L * from, dstBase, dst, 4L * n);
      } else {
        long s = src + 8L * from;
        for (int i = 0; i < n; i++) {
          SparkInternals.putFloat(dstBase, dst + 4L * i, (float) SparkInternals.getDouble(base, s + 8L * i));
        }
      }
    } else if (!doubles) {
      for (int i = 0; i < n; i++) SparkInternals.putFloat(dstBase, dst + 4L * i, a.getFloat(from + i));
    } else {
      for (int i = 0; i < n; i++) SparkInternals.putFloat(dstBase, dst + 4L * i, (float) a.getDouble(from + i));
    }
  }

  private static int firstNull(ArrayData a) {
    return SparkInternals.firstNull(a);
  }
}
