package dev.conv1d.spark.schema;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Validates a sequence column against the model before any job runs, so that type and shape mistakes fail on the
 * driver with a message naming the column and the rule, instead of deep inside a task. Also decides the output
 * type: it nests like the input, with float elements; Vector input gives a flat {@code array<float>}.
 */
public final class InputSchema {
  private final InputKind kind;
  private final boolean doubles;
  private final int ordinal;
  private final boolean outerContainsNull;
  private final boolean innerContainsNull;
  private final StructType outputSchema;

  private InputSchema(InputKind kind, boolean doubles, int ordinal, boolean outerContainsNull,
      boolean innerContainsNull, StructType outputSchema) {
    this.kind = kind;
    this.doubles = doubles;
    this.ordinal = ordinal;
    this.outerContainsNull = outerContainsNull;
    this.innerContainsNull = innerContainsNull;
    this.outputSchema = outputSchema;
  }

  public InputKind kind() { return kind; }

  /** True when the input elements are doubles (converted to float, as Keras casts inputs to the layer dtype). */
  public boolean doubles() { return doubles; }

  /** Position of the input column in the input schema. */
  public int ordinal() { return ordinal; }

  /** Whether the (outer) array type admits null elements, so the executors must look for them. */
  public boolean outerContainsNull() { return outerContainsNull; }

  /** Whether the inner arrays of nested input admit null elements. */
  public boolean innerContainsNull() { return innerContainsNull; }

  /** Input schema plus the output column. */
  public StructType outputSchema() { return outputSchema; }

  /**
   * Checks the input column and returns how to read it.
   *
   * @param inputChannels the {@code inputChannels} param, or null when unset
   * @param modelChannels the channel count the weights need (in_channels = kernel's in/groups times groups)
   * @param nullableOutput whether the output column may hold nulls (handleInvalid = keep)
   */
  public static InputSchema resolve(StructType schema, String inputCol, String outputCol, Integer inputChannels,
      int modelChannels, boolean nullableOutput) {
    String[] names = schema.fieldNames();
    if (!Arrays.asList(names).contains(inputCol)) {
      throw new IllegalArgumentException("Conv1D: input column '" + inputCol + "' does not exist (inputCol); "
          + "available columns: " + Arrays.toString(names));
    }
    if (Arrays.asList(names).contains(outputCol)) {
      throw new IllegalArgumentException("Conv1D: output column '" + outputCol + "' already exists (outputCol); "
          + "choose a new column name");
    }
    int ordinal = schema.fieldIndex(inputCol);
    StructField field = schema.fields()[ordinal];
    DataType t = field.dataType();
    InputKind kind;
    boolean doubles = false, outerNull = false, innerNull = false;
    if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof ArrayType
        && isReal(((ArrayType) ((ArrayType) t).elementType()).elementType())) {
      ArrayType outer = (ArrayType) t, inner = (ArrayType) outer.elementType();
      kind = InputKind.NESTED;
      doubles = inner.elementType().equals(DataTypes.DoubleType);
      outerNull = outer.containsNull();
      innerNull = inner.containsNull();
    } else if (t instanceof ArrayType && isReal(((ArrayType) t).elementType())) {
      kind = InputKind.FLAT;
      doubles = ((ArrayType) t).elementType().equals(DataTypes.DoubleType);
      outerNull = ((ArrayType) t).containsNull();
    } else if (t.equals(SQLDataTypes.VectorType())) {
      kind = InputKind.VECTOR;
      doubles = true;
    } else {
      throw new IllegalArgumentException("Conv1D: input column '" + inputCol + "' has type " + t.simpleString()
          + "; expected array<array<float|double>> (nested sequences), array<float|double> (flat, with "
          + "inputChannels set) or a dense ml.linalg.Vector (flat, with inputChannels set)");
    }
    if (kind != InputKind.NESTED && inputChannels == null) {
      throw new IllegalArgumentException("Conv1D: input column '" + inputCol + "' is flat (" + t.simpleString()
          + "), so inputChannels must be set to its channel count (the weights need " + modelChannels + ")");
    }
    if (inputChannels != null && inputChannels != modelChannels) {
      throw new IllegalArgumentException("Conv1D: inputChannels = " + inputChannels + " for input column '"
          + inputCol + "', but the weights need " + modelChannels
          + " input channels (kernel in_channels/groups times groups)");
    }
    DataType out = kind == InputKind.NESTED
        ? DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false)
        : DataTypes.createArrayType(DataTypes.FloatType, false);
    StructType outSchema = schema.add(new StructField(outputCol, out, nullableOutput,
        org.apache.spark.sql.types.Metadata.empty()));
    return new InputSchema(kind, doubles, ordinal, outerNull, innerNull, outSchema);
  }

  private static boolean isReal(DataType t) {
    return t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType);
  }
}
