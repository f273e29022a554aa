package dev.conv1d.spark.exec;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * A batch of float sequences in Arrow: a {@code ListVector} of {@code Float4Vector}, one list entry per sequence,
 * each flattened in its data format ([steps][channels] or [channels][steps]). Buffers are kept and reused across
 * batches (grown, never shrunk) so a task allocates from its allocator only a few times. Values are written and
 * read by address in bulk; the vector's offsets and validity are kept valid so the batch is a real Arrow batch.
 */
final class ArrowSequences implements AutoCloseable {
  /** Most values in one batch: its NIO view (what the kernel reads) spans at most 2^31 - 1 bytes. */
  static final int MAX_FLOATS = (Integer.MAX_VALUE - 8) / 4;

  private final ListVector list;
  private final Float4Vector values;

  ArrowSequences(String name, BufferAllocator allocator) {
    list = ListVector.empty(name, allocator);
    list.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    values = (Float4Vector) list.getDataVector();
    list.setInitialCapacity(64);
    list.allocateNew();
    values.allocateNew(1024);
  }

  /** Makes room for {@code count} sequences of {@code floats} values in all; returns the values' address. */
  long prepare(int count, long floats) {
    if (floats > MAX_FLOATS) throw new IllegalStateException("batch of " + floats + " floats");
    while (list.getOffsetBuffer().capacity() < 4L * (count + 1)
        || list.getValidityBuffer().capacity() < (count + 7) / 8) {
      list.reAlloc();
    }
    while (values.getValueCapacity() < floats) values.reAlloc();
    list.getOffsetBuffer().setInt(0, 0);
    return valuesAddress();
  }

  long valuesAddress() {
    return values.getDataBuffer().memoryAddress();
  }

  /** Records that sequence {@code i} ends at float {@code end} (it starts where sequence i-1 ended). */
  void setEnd(int i, int end) {
    list.getOffsetBuffer().setInt(4L * (i + 1), end);
  }

  int start(int i) {
    return list.getOffsetBuffer().getInt(4L * i);
  }

  /** Marks {@code count} sequences and their {@code floats} values valid and sets the value counts. */
  void seal(int count, int floats) {
    ArrowBuf v = list.getValidityBuffer();
    v.setOne(0, (count + 7) / 8);
    values.getValidityBuffer().setOne(0, (floats + 7) / 8);
    list.setLastSet(count - 1);
    list.setValueCount(count);
    values.setValueCount(floats);
  }

  /**
   * The first {@code n} values as a {@code FloatBuffer} over the Arrow memory itself (native order, as written),
   * what the kernel reads: valid until the next {@link #prepare}, which may reallocate. (Arrow builds the view by
   * reflection, with the {@code --add-opens=java.base/java.nio} that Spark and Arrow need on Java 17 anyway.)
   */
  FloatBuffer floats(int n) {
    return values.getDataBuffer().nioBuffer(0, 4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  ListVector vector() {
    return list;
  }

  @Override
  public void close() {
    list.close();
  }
}
