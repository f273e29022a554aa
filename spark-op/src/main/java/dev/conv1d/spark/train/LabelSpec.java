package dev.conv1d.spark.train;

import dev.conv1d.spark.exec.ColumnReader;
import dev.conv1d.spark.schema.InputKind;
import java.io.Serializable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How to read the label column, decided from the schema on the driver before any job:
 * <ul>
 *   <li>{@code SEQUENCE} (pooling none, dense losses): shaped and nested like the output, read by the transformer's
 *       sequence reader with channels = filters;
 *   <li>{@code STEP_CLASSES} (pooling none, sparse): one integer class per output step, {@code array<numeric>};
 *   <li>{@code PER_SEQUENCE} (pooled, dense): {@code array<float|double>} or a dense Vector of filters values;
 *   <li>{@code SCALAR} (pooled: a class for the sparse loss, or a number when filters = 1).
 * </ul>
 */
public final class LabelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Mode { SEQUENCE, STEP_CLASSES, PER_SEQUENCE, SCALAR }

  final Mode mode;
  final String column;
  final int ordinal;
  final int code;
  final ColumnReader reader;
  final boolean classes;

  private LabelSpec(Mode mode, String column, int ordinal, int code, ColumnReader reader) {
    this(mode, column, ordinal, code, reader, mode == Mode.STEP_CLASSES);
  }

  private LabelSpec(Mode mode, String column, int ordinal, int code, ColumnReader reader, boolean classes) {
    this.classes = classes;
    this.mode = mode;
    this.column = column;
    this.ordinal = ordinal;
    this.code = code;
    this.reader = reader;
  }

  public Mode mode() {
    return mode;
  }

  private static boolean isReal(DataType t) {
    return t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType);
  }

  /** Checks the label column's type against the loss and pooling; fails naming the column and what fits. */
  public static LabelSpec resolve(StructType schema, String col, Loss loss, boolean pooled, int filters,
      String dataFormat) {
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException("Conv1D: label column '" + col + "' does not exist (labelCol); available "
          + "columns: " + java.util.Arrays.toString(schema.fieldNames()));
    }
    int ord = schema.fieldIndex(col);
    DataType t = schema.fields()[ord].dataType();
    String where = "Conv1D: label column '" + col + "' has type " + t.simpleString() + "; with loss " + loss
        + " and pooling " + (pooled ? "global" : "none") + " (filters = " + filters + ") ";
    if (loss.sparse()) {
      if (pooled) {
        int c = Numeric.code(t);
        if (c < 0) throw new IllegalArgumentException(where + "expected one numeric class index per row");
        return new LabelSpec(Mode.SCALAR, col, ord, c, null, true);
      }
      if (t instanceof ArrayType && Numeric.code(((ArrayType) t).elementType()) >= 0) {
        return new LabelSpec(Mode.STEP_CLASSES, col, ord, Numeric.code(((ArrayType) t).elementType()), null);
      }
      throw new IllegalArgumentException(where + "expected array<int|long|float|double>: one class index per output "
          + "step");
    }
    if (pooled) {
      if (t instanceof ArrayType && isReal(((ArrayType) t).elementType())) {
        ArrayType a = (ArrayType) t;
        return new LabelSpec(Mode.PER_SEQUENCE, col, ord, -1, new ColumnReader(InputKind.FLAT,
            a.elementType().equals(DataTypes.DoubleType), dataFormat, a.containsNull(), false, filters, ord));
      }
      if (t.equals(SQLDataTypes.VectorType())) {
        return new LabelSpec(Mode.PER_SEQUENCE, col, ord, -1,
            new ColumnReader(InputKind.VECTOR, true, dataFormat, false, false, filters, ord));
      }
      if (filters == 1 && Numeric.code(t) >= 0) return new LabelSpec(Mode.SCALAR, col, ord, Numeric.code(t), null);
      throw new IllegalArgumentException(where + "expected one value per filter: array<float|double> or a dense "
          + "Vector of " + filters + " values" + (filters == 1 ? ", or a number" : ""));
    }
    if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof ArrayType
        && isReal(((ArrayType) ((ArrayType) t).elementType()).elementType())) {
      ArrayType o = (ArrayType) t, i = (ArrayType) o.elementType();
      return new LabelSpec(Mode.SEQUENCE, col, ord, -1, new ColumnReader(InputKind.NESTED,
          i.elementType().equals(DataTypes.DoubleType), dataFormat, o.containsNull(), i.containsNull(), filters, ord));
    }
    if (t instanceof ArrayType && isReal(((ArrayType) t).elementType())) {
      ArrayType a = (ArrayType) t;
      return new LabelSpec(Mode.SEQUENCE, col, ord, -1, new ColumnReader(InputKind.FLAT,
          a.elementType().equals(DataTypes.DoubleType), dataFormat, a.containsNull(), false, filters, ord));
    }
    if (t.equals(SQLDataTypes.VectorType())) {
      return new LabelSpec(Mode.SEQUENCE, col, ord, -1,
          new ColumnReader(InputKind.VECTOR, true, dataFormat, false, false, filters, ord));
    }
    throw new IllegalArgumentException(where + "expected a sequence shaped like the output: array<array<float|double>> "
        + "(" + (dataFormat.equals("channels_last") ? "[steps][filters]" : "[filters][steps]") + "), or flat "
        + "array<float|double> / dense Vector of steps * filters values");
  }
}
