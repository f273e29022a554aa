package dev.conv1d.spark.io;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet schema of a model's {@code data/} directory: one row holding the Keras kernel shape
 * [kernel_size, in_channels/groups, filters], the kernel flat in that order, and the bias (null when none).
 */
final class WeightsTable {
  static final String DATA_DIR = "data";
  static final StructType SCHEMA = new StructType()
      .add("kernelShape", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("kernel", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("bias", DataTypes.createArrayType(DataTypes.FloatType, false), true);

  private WeightsTable() {}
}
