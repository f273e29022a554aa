package dev.conv1d.spark.exec;

import dev.conv1d.spark.schema.InputKind;
import java.io.Serializable;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The transformer's {@link SequenceReader} opened to training: reads one sequence-shaped column (the input, or a
 * label shaped like the output) of an {@code InternalRow} into a heap float array in the data format's layout,
 * with the same validation and messages as transform. Serializable description; each task calls {@link #open()}.
 */
public final class ColumnReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final InputKind kind;
  private final boolean doubles;
  private final String dataFormat;
  private final boolean outerNulls;
  private final boolean innerNulls;
  private final int channels;
  private final int ordinal;

  public ColumnReader(InputKind kind, boolean doubles, String dataFormat, boolean outerNulls, boolean innerNulls,
      int channels, int ordinal) {
    this.kind = kind;
    this.doubles = doubles;
    this.dataFormat = dataFormat;
    this.outerNulls = outerNulls;
    this.innerNulls = innerNulls;
    this.channels = channels;
    this.ordinal = ordinal;
  }

  public int channels() {
    return channels;
  }

  public int ordinal() {
    return ordinal;
  }

  /** A reader for one task (not thread-safe). */
  public Open open() {
    return new Open(new SequenceReader(kind, doubles, dataFormat, outerNulls, innerNulls, channels, ordinal));
  }

  /** A task's reader. */
  public static final class Open {
    private final SequenceReader reader;

    private Open(SequenceReader reader) {
      this.reader = reader;
    }

    /** Validates the row's value and makes it current: null when valid, else what is wrong. */
    public String inspect(InternalRow row) {
      return reader.inspect(row);
    }

    /** Steps of the current value. */
    public int length() {
      return reader.length();
    }

    /** Copies the whole current value (length * channels floats, in the layout) to dst[at...]. */
    public void copyTo(float[] dst, int at) {
      reader.copyWindow(0, reader.length(), dst, SparkInternals.FLOAT_ARRAY_OFFSET + 4L * at);
    }
  }

  /** The Dataset's rows as internal rows, without Row conversion (see {@link SparkInternals}). */
  public static RDD<InternalRow> internalRows(Dataset<?> ds) {
    return SparkInternals.internalRows(ds);
  }
}
