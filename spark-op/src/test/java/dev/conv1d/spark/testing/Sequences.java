package dev.conv1d.spark.testing;

import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Converts between kernel batches and DataFrame rows of every supported input type. */
public final class Sequences {
  private Sequences() {}

  /** An input column type the model accepts. */
  public enum Type {
    NESTED_FLOAT, NESTED_DOUBLE, FLAT_FLOAT, FLAT_DOUBLE, VECTOR;

    public boolean nested() { return this == NESTED_FLOAT || this == NESTED_DOUBLE; }

    boolean doubles() { return this == NESTED_DOUBLE || this == FLAT_DOUBLE || this == VECTOR; }

    public DataType sparkType() {
      DataType e = doubles() ? DataTypes.DoubleType : DataTypes.FloatType;
      switch (this) {
        case NESTED_FLOAT:
        case NESTED_DOUBLE:
          return DataTypes.createArrayType(DataTypes.createArrayType(e));
        case VECTOR:
          return SQLDataTypes.VectorType();
        default:
          return DataTypes.createArrayType(e);
      }
    }
  }

  public static StructType schema(Type type) {
    return new StructType().add("id", DataTypes.IntegerType).add("sequence", type.sparkType())
        .add("tag", DataTypes.StringType);
  }

  /** Rows (id, sequence, tag) for every sequence of the batch, in the batch's layout. */
  public static List<Row> rows(SequenceBatch x, Type type) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.count(); i++) rows.add(RowFactory.create(i, value(x, i, type), "tag" + i));
    return rows;
  }

  public static Object value(SequenceBatch x, int i, Type type) {
    int len = x.length(i), c = x.channels();
    boolean last = x.layout() == DataFormat.CHANNELS_LAST;
    if (type.nested()) {
      int outer = last ? len : c, inner = last ? c : len;
      List<List<Object>> out = new ArrayList<>();
      for (int a = 0; a < outer; a++) {
        List<Object> row = new ArrayList<>();
        for (int b = 0; b < inner; b++) {
          float v = last ? x.get(i, a, b) : x.get(i, b, a);
          row.add(type.doubles() ? (Object) (double) v : (Object) v);
        }
        out.add(row);
      }
      return out;
    }
    int n = len * c, start = x.start(i);
    if (type == Type.VECTOR) {
      double[] d = new double[n];
      for (int k = 0; k < n; k++) d[k] = x.values()[start + k];
      return new DenseVector(d);
    }
    List<Object> flat = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      float v = x.values()[start + k];
      flat.add(type.doubles() ? (Object) (double) v : (Object) v);
    }
    return flat;
  }

  /** Reads an output value (nested or flat array<float>) of {@code filters} channels into a one-row batch. */
  public static SequenceBatch output(Object value, boolean nested, int filters, DataFormat fmt) {
    List<?> outer = value instanceof List ? (List<?>) value : scala.jdk.javaapi.CollectionConverters.asJava(
        (scala.collection.Seq<?>) value);
    float[] v;
    int len;
    if (!nested) {
      v = new float[outer.size()];
      for (int k = 0; k < v.length; k++) v[k] = (Float) outer.get(k);
      len = v.length / filters;
    } else {
      List<List<?>> rows = new ArrayList<>();
      for (Object o : outer) {
        rows.add(o instanceof List ? (List<?>) o
            : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) o));
      }
      int total = 0;
      for (List<?> r : rows) total += r.size();
      v = new float[total];
      int k = 0;
      for (List<?> r : rows) for (Object e : r) v[k++] = (Float) e;
      boolean last = fmt == DataFormat.CHANNELS_LAST;
      if (last) {
        for (List<?> r : rows) if (r.size() != filters) throw new AssertionError("inner size " + r.size());
        len = rows.size();
      } else {
        if (rows.size() != filters) throw new AssertionError("outer size " + rows.size());
        len = rows.get(0).size();
      }
    }
    return SequenceBatch.single(v, len, filters, fmt);
  }
}
