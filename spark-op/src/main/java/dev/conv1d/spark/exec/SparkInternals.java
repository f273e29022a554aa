package dev.conv1d.spark.exec;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import scala.Function1;

/**
 * Every use of Spark internals, in one place, so a Spark upgrade has one class to check (and
 * {@code SparkInternalsTest} to run). The rest of the operator sees only {@code InternalRow}, {@code ArrayData} and
 * the methods here. Three kinds:
 *
 * <ul>
 *   <li>{@code private[sql]} APIs (public in bytecode, need a classic, non-Connect session):
 *       {@code queryExecution().toRdd()} for a Dataset's rows without {@code Row} boxing,
 *       {@code internalCreateDataFrame} for a DataFrame over them, and {@code CatalystTypeConverters} for the
 *       streaming path, where the public {@code mapPartitions} hands out {@code Row}s;
 *   <li>the binary layout of {@code UnsafeArrayData}, read and written in bulk by address so the hot path makes no
 *       call per element: {@code [count: 8 bytes][null bitmap: 8 bytes per 64 elements][values, padded to 8 bytes]};
 *       an array of arrays holds one 8-byte slot per element, {@code offset << 32 | size} from the array's start,
 *       then the inner arrays;
 *   <li>{@code UnsafeRow} copies, {@code JoinedRow}/{@code GenericInternalRow} to append the output column, and
 *       Spark's {@code Platform} memory access.
 * </ul>
 */
final class SparkInternals {
  private SparkInternals() {}

  // ---- private[sql] APIs ----

  private static org.apache.spark.sql.classic.Dataset<?> classic(Dataset<?> ds) {
    if (!(ds instanceof org.apache.spark.sql.classic.Dataset)) {
      throw new UnsupportedOperationException("Conv1D needs a classic Spark session (not Spark Connect); got a "
          + ds.getClass().getName());
    }
    return (org.apache.spark.sql.classic.Dataset<?>) ds;
  }

  /** The Dataset's rows in Catalyst's internal form (the plan is prepared now, as {@code Dataset.rdd} does). */
  static RDD<InternalRow> internalRows(Dataset<?> ds) {
    return classic(ds).queryExecution().toRdd();
  }

  /** A batch DataFrame over internal rows that match {@code schema}, in the session of {@code like}. */
  static Dataset<Row> dataFrame(Dataset<?> like, RDD<InternalRow> rows, StructType schema) {
    return classic(like).sparkSession().internalCreateDataFrame(rows, schema, false);
  }

  /** Row to InternalRow for {@code schema} (boxes: used only on the streaming path). */
  static Function1<Object, Object> toInternal(StructType schema) {
    return CatalystTypeConverters.createToCatalystConverter(schema);
  }

  /** InternalRow to Row for {@code schema} (boxes: used only on the streaming path). */
  static Function1<Object, Object> toExternal(StructType schema) {
    return CatalystTypeConverters.createToScalaConverter(schema);
  }

  // ---- UnsafeArrayData: reading ----

  /** Whether {@code a} is in the binary layout the readers below take (else read it through {@code ArrayData}). */
  static boolean isUnsafe(ArrayData a) {
    return a instanceof UnsafeArrayData;
  }

  /** The object the unsafe array lies in (null: off-heap), and its offset there. */
  static Object base(ArrayData unsafe) {
    return ((UnsafeArrayData) unsafe).getBaseObject();
  }

  static long offset(ArrayData unsafe) {
    return ((UnsafeArrayData) unsafe).getBaseOffset();
  }

  /** Offset of the first value (or, in an array of arrays, the first slot) of the unsafe array at {@code at}. */
  static long valuesAt(Object base, long at) {
    return at + headerBytes(Platform.getLong(base, at));
  }

  /** Element count of the unsafe array at {@code at}. */
  static long elementCount(Object base, long at) {
    return Platform.getLong(base, at);
  }

  /** Offset of inner array {@code i} of the array of arrays at {@code at}, whose slots start at {@code slots}. */
  static long innerArrayAt(Object base, long at, long slots, int i) {
    return at + (Platform.getLong(base, slots + 8L * i) >> 32);
  }

  /** Index of the first null element, or -1; reads the null bitmap a word at a time for unsafe arrays. */
  static int firstNull(ArrayData a) {
    int n = a.numElements();
    if (a instanceof UnsafeArrayData) {
      UnsafeArrayData u = (UnsafeArrayData) a;
      int words = (n + 63) / 64;
      for (int w = 0; w < words; w++) {
        long bits = Platform.getLong(u.getBaseObject(), u.getBaseOffset() + 8 + 8L * w);
        if (bits != 0) return w * 64 + Long.numberOfTrailingZeros(bits);
      }
      return -1;
    }
    for (int i = 0; i < n; i++) if (a.isNullAt(i)) return i;
    return -1;
  }

  // ---- UnsafeArrayData: writing ----

  /** Bytes of the count and null bitmap of an array of n elements. */
  static int headerBytes(long n) {
    return (int) UnsafeArrayData.calculateHeaderPortionInBytes(n);
  }

  /** Bytes of an array of n floats. */
  static long floatArrayBytes(long n) {
    return headerBytes(n) + roundToWord(4L * n);
  }

  /** Bytes of an array of {@code outer} arrays of {@code innerBytes} bytes each. */
  static long arrayOfArraysBytes(long outer, long innerBytes) {
    return headerBytes(outer) + 8L * outer + outer * innerBytes;
  }

  /** Offset from an array of arrays' start to its first inner array. */
  static long firstInnerArray(long outer) {
    return headerBytes(outer) + 8L * outer;
  }

  /**
   * The header of an array of n floats at {@code at}: the count, a cleared null bitmap, and the last word of the
   * values cleared (its padding half, when n is odd, is never written by a values copy).
   */
  static void writeFloatArrayHeader(Object base, long at, long n) {
    writeHeader(base, at, n);
    if ((n & 1) != 0) Platform.putLong(base, at + headerBytes(n) + roundToWord(4L * n) - 8, 0L);
  }

  /**
   * The header and slots of an array of {@code outer} arrays at {@code at}, laid out back to back from
   * {@link #firstInnerArray} on, {@code innerBytes} each (their own headers are written apart).
   */
  static void writeArrayOfArraysHeader(Object base, long at, int outer, int innerBytes) {
    writeHeader(base, at, outer);
    long slots = at + headerBytes(outer), first = firstInnerArray(outer);
    for (int i = 0; i < outer; i++) {
      Platform.putLong(base, slots + 8L * i, ((first + (long) i * innerBytes) << 32) | innerBytes);
    }
  }

  private static void writeHeader(Object base, long at, long n) {
    Platform.putLong(base, at, n);
    long h = headerBytes(n);
    for (long w = 8; w < h; w += 8) Platform.putLong(base, at + w, 0L); // the bitmap: a word per 64 elements
  }

  /** Spark's view of the array of {@code size} bytes at {@code at} (no copy). */
  static ArrayData arrayAt(Object base, long at, int size) {
    UnsafeArrayData a = new UnsafeArrayData();
    a.pointTo(base, at, size);
    return a;
  }

  private static long roundToWord(long n) {
    return (n + 7) / 8 * 8;
  }

  // ---- rows ----

  /** Bytes of {@code row} if it is an {@code UnsafeRow} (copied in one memcpy by {@link #copyRow}), else -1. */
  static int unsafeRowBytes(InternalRow row) {
    return row instanceof UnsafeRow ? ((UnsafeRow) row).getSizeInBytes() : -1;
  }

  /** A copy of an unsafe row on {@code into} (at least {@link #unsafeRowBytes} long). */
  static InternalRow copyRow(InternalRow row, byte[] into) {
    UnsafeRow u = (UnsafeRow) row;
    int size = u.getSizeInBytes();
    Platform.copyMemory(u.getBaseObject(), u.getBaseOffset(), into, Platform.BYTE_ARRAY_OFFSET, size);
    UnsafeRow copy = new UnsafeRow(u.numFields());
    copy.pointTo(into, size);
    return copy;
  }

  /** Appends one column to rows without copying them; the row it returns is reused by the next call. */
  static final class Appender {
    private final JoinedRow joined = new JoinedRow();
    private final GenericInternalRow extra = new GenericInternalRow(1);

    InternalRow append(InternalRow row, Object value) {
      extra.update(0, value);
      return joined.apply(row, extra);
    }
  }

  // ---- memory ----

  static final long BYTE_ARRAY_OFFSET = Platform.BYTE_ARRAY_OFFSET;
  static final long FLOAT_ARRAY_OFFSET = Platform.FLOAT_ARRAY_OFFSET;
  /**
   * Copies up to this many bytes are moved a long at a time with plain loads and stores (JIT intrinsics):
   * {@code Platform.copyMemory} costs a native call and its checks each time, more than moving the 32-64 bytes of
   * one nested step. Profiled: S1 nested rows copy 32 and 64 bytes per call and gain; S3's 256-byte inner arrays
   * were slower by the loop than by copyMemory.
   */
  static final long SHORT_BYTES = 64;
  private static final boolean UNALIGNED = Platform.unaligned();

  /** Copies {@code bytes} bytes (base null: native memory); the two ranges must not overlap. */
  static void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) {
    if (bytes > SHORT_BYTES || !UNALIGNED) {
      Platform.copyMemory(src, srcOffset, dst, dstOffset, bytes);
      return;
    }
    long i = 0;
    for (; i + 8 <= bytes; i += 8) Platform.putLong(dst, dstOffset + i, Platform.getLong(src, srcOffset + i));
    if (i + 4 <= bytes) {
      Platform.putInt(dst, dstOffset + i, Platform.getInt(src, srcOffset + i));
      i += 4;
    }
    for (; i < bytes; i++) Platform.putByte(dst, dstOffset + i, Platform.getByte(src, srcOffset + i));
  }

  static void zero(Object base, long offset, long bytes) {
    if (bytes > 0) Platform.setMemory(base, offset, bytes, (byte) 0);
  }

  static void putFloat(Object base, long offset, float v) {
    Platform.putFloat(base, offset, v);
  }

  static double getDouble(Object base, long offset) {
    return Platform.getDouble(base, offset);
  }
}
