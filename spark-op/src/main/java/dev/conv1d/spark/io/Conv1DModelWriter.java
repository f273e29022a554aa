package dev.conv1d.spark.io;

import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.spark.ml.Conv1DModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Writes params as Spark ML's JSON metadata (DefaultParamsWriter) and the weights as one Parquet row. */
final class Conv1DModelWriter extends MLWriter {
  private final Conv1DModel model;

  Conv1DModelWriter(Conv1DModel model) {
    this.model = model;
  }

  @Override
  public void saveImpl(String path) {
    DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
    Weights w = model.weights();
    List<Integer> shape = List.of(w.kernelSize(), w.groupInChannels(), w.filters());
    Row row = RowFactory.create(shape, boxed(w.kernelView()), w.hasBias() ? boxed(w.biasView()) : null);
    sparkSession().createDataFrame(Collections.singletonList(row), WeightsTable.SCHEMA).repartition(1).write()
        .parquet(new Path(path, WeightsTable.DATA_DIR).toString());
  }

  private static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) out.add(x);
    return out;
  }
}
