package dev.conv1d.spark.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Training checkpoints as JSON (never Java serialization): one file {@code iter-<n>.json} per checkpoint in the
 * checkpoint directory, written to a temporary name and renamed, so a reader sees complete files only. Doubles are
 * written in their shortest round-trip form, so a resumed fit continues from bit-identical state. The file holds
 * the layer shape and optimizer it belongs to; resuming with a different one fails rather than mixing states.
 */
public final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "iter-";

  private final Path dir;
  private final Configuration conf;

  public Checkpoints(String dir, Configuration conf) {
    this.dir = new Path(dir);
    this.conf = conf;
  }

  /** The state of a fit after {@code iteration} completed iterations. */
  public static final class State {
    public String optimizer;
    public int[] kernelShape;
    public boolean useBias;
    public int iteration;
    public double[] theta;
    /** First-order optimizers: moments (adam m and v; sgd velocity in m) and steps taken. */
    public double[] m, v;
    public long steps;
    /** lbfgs: correction pairs, oldest first. */
    public List<double[]> s = new ArrayList<>(), y = new ArrayList<>();
    public double previousObjective = Double.NaN;
    public double bestValidation = Double.POSITIVE_INFINITY;
    public int wait;
    /** Summary rows so far: objective, data loss, kernel, bias, activity, validation loss, ms. */
    public List<double[]> history = new ArrayList<>();
  }

  public void save(State st) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "conv1d-checkpoint-1");
    m.put("optimizer", st.optimizer);
    m.put("kernelShape", st.kernelShape);
    m.put("useBias", st.useBias);
    m.put("iteration", st.iteration);
    m.put("theta", st.theta);
    m.put("m", st.m);
    m.put("v", st.v);
    m.put("steps", st.steps);
    m.put("s", st.s);
    m.put("y", st.y);
    m.put("previousObjective", str(st.previousObjective));
    m.put("bestValidation", str(st.bestValidation));
    m.put("wait", st.wait);
    List<List<String>> h = new ArrayList<>();
    for (double[] row : st.history) {
      List<String> r = new ArrayList<>();
      for (double d : row) r.add(str(d));
      h.add(r);
    }
    m.put("history", h);
    String name = String.format("%s%09d.json", PREFIX, st.iteration);
    Path tmp = new Path(dir, "_tmp-" + name), dst = new Path(dir, name);
    try (OutputStream out = fs.create(tmp, true)) {
      JSON.writeValue(out, m);
    }
    fs.delete(dst, false);
    if (!fs.rename(tmp, dst)) throw new IOException("cannot rename " + tmp + " to " + dst);
  }

  private static String str(double d) {
    return Double.toString(d);
  }

  /** The newest checkpoint, or null when there is none. */
  @SuppressWarnings("unchecked")
  public State newest() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) return null;
    Path best = null;
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (n.startsWith(PREFIX) && n.endsWith(".json") && (best == null || n.compareTo(best.getName()) > 0)) {
        best = f.getPath();
      }
    }
    if (best == null) return null;
    Map<String, Object> m;
    try (InputStream in = fs.open(best)) {
      m = JSON.readValue(in, Map.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException("Conv1D: unreadable checkpoint " + best + ": " + e.getMessage(), e);
    }
    if (!"conv1d-checkpoint-1".equals(m.get("format"))) {
      throw new IOException("Conv1D: " + best + " is not a conv1d checkpoint (format " + m.get("format") + ")");
    }
    State st = new State();
    st.optimizer = (String) m.get("optimizer");
    List<Number> shape = (List<Number>) m.get("kernelShape");
    st.kernelShape = new int[shape.size()];
    for (int i = 0; i < shape.size(); i++) st.kernelShape[i] = shape.get(i).intValue();
    st.useBias = (Boolean) m.get("useBias");
    st.iteration = ((Number) m.get("iteration")).intValue();
    st.theta = doubles(m.get("theta"));
    st.m = doubles(m.get("m"));
    st.v = doubles(m.get("v"));
    st.steps = ((Number) m.get("steps")).longValue();
    for (Object o : (List<Object>) m.get("s")) st.s.add(doubles(o));
    for (Object o : (List<Object>) m.get("y")) st.y.add(doubles(o));
    st.previousObjective = Double.parseDouble((String) m.get("previousObjective"));
    st.bestValidation = Double.parseDouble((String) m.get("bestValidation"));
    st.wait = ((Number) m.get("wait")).intValue();
    for (Object row : (List<Object>) m.get("history")) {
      List<String> r = (List<String>) row;
      double[] d = new double[r.size()];
      for (int i = 0; i < d.length; i++) d[i] = Double.parseDouble(r.get(i));
      st.history.add(d);
    }
    return st;
  }

  @SuppressWarnings("unchecked")
  private static double[] doubles(Object o) {
    if (o == null) return null;
    List<Number> l = (List<Number>) o;
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) d[i] = l.get(i).doubleValue();
    return d;
  }
}
