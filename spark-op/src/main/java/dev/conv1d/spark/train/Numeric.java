package dev.conv1d.spark.train;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Numeric Spark types as small codes, read from internal rows and arrays without boxing. */
final class Numeric {
  private Numeric() {}

  static final int BYTE = 0, SHORT = 1, INT = 2, LONG = 3, FLOAT = 4, DOUBLE = 5;

  /** The code of a numeric type, or -1. */
  static int code(DataType t) {
    if (t.equals(DataTypes.ByteType)) return BYTE;
    if (t.equals(DataTypes.ShortType)) return SHORT;
    if (t.equals(DataTypes.IntegerType)) return INT;
    if (t.equals(DataTypes.LongType)) return LONG;
    if (t.equals(DataTypes.FloatType)) return FLOAT;
    if (t.equals(DataTypes.DoubleType)) return DOUBLE;
    return -1;
  }

  static double get(InternalRow r, int ordinal, int code) {
    switch (code) {
      case BYTE: return r.getByte(ordinal);
      case SHORT: return r.getShort(ordinal);
      case INT: return r.getInt(ordinal);
      case LONG: return r.getLong(ordinal);
      case FLOAT: return r.getFloat(ordinal);
      default: return r.getDouble(ordinal);
    }
  }

  static double get(ArrayData a, int i, int code) {
    switch (code) {
      case BYTE: return a.getByte(i);
      case SHORT: return a.getShort(i);
      case INT: return a.getInt(i);
      case LONG: return a.getLong(i);
      case FLOAT: return a.getFloat(i);
      default: return a.getDouble(i);
    }
  }
}
