package dev.conv1d.spark.io;

import dev.conv1d.spark.ml.Conv1DModel;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader.Metadata;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;

/** Reads what {@link Conv1DModelWriter} wrote: weights from Parquet, then params and defaults from metadata. */
final class Conv1DModelReader extends MLReader<Conv1DModel> {
  @Override
  public Conv1DModel load(String path) {
    Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), Conv1DModel.class.getName());
    List<Row> rows = sparkSession().read().schema(WeightsTable.SCHEMA)
        .parquet(new Path(path, WeightsTable.DATA_DIR).toString()).collectAsList();
    if (rows.size() != 1) {
      throw new IllegalStateException("Conv1DModel at " + path + ": expected one weights row in "
          + WeightsTable.DATA_DIR + "/, found " + rows.size());
    }
    Row r = rows.get(0);
    List<Integer> shape = r.getList(0);
    float[] kernel = unboxed(r.getList(1));
    float[] bias = r.isNullAt(2) ? null : unboxed(r.getList(2));
    Conv1DModel model = Conv1DModel.fromFlatWeights(meta.uid(), kernel, shape.get(0), shape.get(1), shape.get(2), bias);
    meta.getAndSetParams(model, scala.Option.empty());
    return model;
  }

  private static float[] unboxed(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i);
    return out;
  }
}
