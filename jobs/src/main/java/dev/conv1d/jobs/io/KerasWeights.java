package dev.conv1d.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Conv1D weights in Keras' files, through jhdf (pure-Java HDF5). Three layouts, as Keras writes them:
 *
 * <ul>
 *   <li>Keras 2 / tf.keras {@code model.save_weights("x.h5")} (and Keras 3's legacy h5), from
 *       {@code saving/legacy/hdf5_format.py}: root attributes {@code layer_names}, {@code backend},
 *       {@code keras_version}; a group per layer with attribute {@code weight_names} (e.g. {@code conv1d/kernel:0},
 *       {@code conv1d/bias:0}) naming datasets inside that group, so the kernel sits at
 *       {@code /conv1d/conv1d/kernel:0}. Long name lists are split into {@code layer_names0}, {@code layer_names1},
 *       .... A full-model {@code model.save("x.h5")} holds the same under {@code /model_weights}.</li>
 *   <li>Keras 3 {@code model.save_weights("x.weights.h5")}, from {@code saving/saving_lib.py}: an
 *       {@code H5IOStore} with one {@code vars} group per saveable, its variables as datasets {@code 0},
 *       {@code 1}, ... in creation order (kernel, then bias): {@code /layers/conv1d/vars/0}. The path segment is
 *       the snake_case class name, numbered per class ({@code conv1d}, {@code conv1d_1}), not the layer's name.</li>
 *   <li>Keras 3 {@code model.save("x.keras")}: a zip with {@code config.json}, {@code metadata.json} and
 *       {@code model.weights.h5} (the layout above). Its config maps layer names to those paths and carries each
 *       layer's padding, strides and so on.</li>
 * </ul>
 *
 * <p>Writing: the legacy {@code .h5} layout here; Keras 3's {@code .weights.h5} and {@code .keras} in
 * {@link Keras3Writer}. Both go through {@link Hdf5Writer}, which works around jhdf's writer damaging empty groups.
 */
public final class KerasWeights {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasWeights() {}

  /** A Keras weights file cannot be read as asked; the message says why. */
  public static final class KerasFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public KerasFormatException(String message) {
      super(message);
    }
  }

  /** Reads one Conv1D layer from an {@code .h5}, {@code .weights.h5} or {@code .keras} file; layer may be null. */
  public static LayerWeights read(Path file, String layer) throws IOException {
    String what = file.toString();
    if (file.getFileName().toString().endsWith(".keras")) return readKeras(file, layer);
    try (HdfFile h5 = openHdf(file)) {
      return readHdf(h5, layer, what);
    }
  }

  /**
   * The Conv1D-like layers (those with a 3-D kernel) a file holds, by the names {@link #read} accepts: layer names
   * (for .keras from its config), or Keras 3 store paths for a bare .weights.h5.
   */
  public static List<String> layers(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".keras")) {
      try (ZipFile zip = openZip(file); HdfFile h5 = HdfFile.fromBytes(entry(zip, "model.weights.h5", file))) {
        Map<String, JsonNode> byPath = configLayers(JSON.readTree(entry(zip, "config.json", file)));
        List<String> names = new ArrayList<>();
        for (String p : candidates(h5, file.toString()).keySet()) {
          names.add(byPath.containsKey(p) ? byPath.get(p).path("config").path("name").asText(p) : p);
        }
        return names;
      }
    }
    try (HdfFile h5 = openHdf(file)) {
      return new ArrayList<>(candidates(h5, file.toString()).keySet());
    }
  }

  private static HdfFile openHdf(Path file) throws IOException {
    try {
      return new HdfFile(file);
    } catch (RuntimeException e) {
      throw new KerasFormatException(file + ": not a readable HDF5 file (" + e.getMessage() + ")");
    }
  }

  private static ZipFile openZip(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (IOException e) {
      throw new KerasFormatException(file + ": not a .keras archive (not a zip file)");
    }
  }

  private static byte[] entry(ZipFile zip, String name, Path file) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new KerasFormatException(file + ": .keras archive has no " + name
          + (name.endsWith(".h5") && zip.getEntry("model.weights.npz") != null
              ? " (weights saved as npz: read model.weights.npz with NumPy instead)" : ""));
    }
    try (InputStream in = zip.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  private static LayerWeights readKeras(Path file, String layer) throws IOException {
    try (ZipFile zip = openZip(file)) {
      JsonNode config = JSON.readTree(entry(zip, "config.json", file));
      Map<String, JsonNode> byPath = configLayers(config);
      String path = layer;
      Map<String, Object> layerConfig = null;
      if (layer != null) {
        for (Map.Entry<String, JsonNode> en : byPath.entrySet()) {
          if (layer.equals(en.getValue().path("config").path("name").asText(null))) {
            path = en.getKey();
            layerConfig = conv1dConfig(en.getValue());
            break;
          }
        }
      }
      try (HdfFile h5 = HdfFile.fromBytes(entry(zip, "model.weights.h5", file))) {
        Map<String, List<Dataset>> found = candidates(h5, file.toString());
        if (path != null && !found.containsKey(path)) {
          List<String> names = new ArrayList<>();
          for (String p : found.keySet()) {
            JsonNode l = byPath.get(p);
            names.add(l == null ? p : l.path("config").path("name").asText(p) + " (stored as " + p + ")");
          }
          throw new KerasFormatException(file + ": no conv1d layer '" + layer + "' (conv1d layers: "
              + String.join(", ", names) + ")");
        }
        LayerWeights w = readHdf(h5, path, file + "!model.weights.h5");
        if (layerConfig == null && byPath.containsKey(w.name())) layerConfig = conv1dConfig(byPath.get(w.name()));
        String name = w.name();
        if (byPath.containsKey(name)) name = byPath.get(name).path("config").path("name").asText(name);
        return new LayerWeights(name, w.kernel(), w.kernelShape(), w.bias(), layerConfig);
      } catch (RuntimeException e) {
        throw new KerasFormatException(file + ": model.weights.h5 is not readable HDF5 (" + e.getMessage() + ")");
      }
    }
  }

  /** Top-level layers of a Sequential or Functional config by their weight-store path segment. */
  private static Map<String, JsonNode> configLayers(JsonNode config) {
    Map<String, JsonNode> byPath = new LinkedHashMap<>();
    Map<String, Integer> used = new LinkedHashMap<>();
    for (JsonNode l : config.path("config").path("layers")) {
      String cls = l.path("class_name").asText("");
      if (cls.equals("InputLayer")) continue;
      String key = snakeCase(cls);
      Integer n = used.get(key);
      used.put(key, n == null ? 0 : n + 1);
      byPath.put(n == null ? key : key + "_" + (n + 1), l);
    }
    return byPath;
  }

  /** Keras' {@code naming.to_snake_case}. */
  static String snakeCase(String name) {
    String s = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static Map<String, Object> conv1dConfig(JsonNode layer) {
    Map<String, Object> out = new LinkedHashMap<>();
    JsonNode c = layer.path("config");
    out.put("class_name", layer.path("class_name").asText(""));
    for (String k : new String[] {"name", "padding", "data_format", "activation"}) {
      JsonNode v = c.get(k);
      if (v != null && v.isTextual()) out.put(k, v.asText());
      else if (v != null && v.isObject() && v.has("config") && v.path("config").has("name")) {
        out.put(k, v.path("config").path("name").asText()); // serialized activation object
      }
    }
    for (String k : new String[] {"strides", "dilation_rate", "groups", "kernel_size", "filters"}) {
      JsonNode v = c.get(k);
      if (v != null && v.isArray() && v.size() == 1) v = v.get(0);
      if (v != null && v.canConvertToInt()) out.put(k, v.asInt());
    }
    JsonNode ub = c.get("use_bias");
    if (ub != null && ub.isBoolean()) out.put("use_bias", ub.asBoolean());
    return out;
  }

  private static LayerWeights readHdf(HdfFile h5, String layer, String what) throws IOException {
    Map<String, List<Dataset>> layers = candidates(h5, what);
    if (layers.isEmpty()) {
      throw new KerasFormatException(what + ": no conv1d layer (no layer with a 3-D kernel)");
    }
    String name = layer;
    if (name == null) {
      if (layers.size() > 1) {
        throw new KerasFormatException(what + ": " + layers.size() + " conv1d layers " + layers.keySet()
            + ": choose one with --layer");
      }
      name = layers.keySet().iterator().next();
    } else if (!layers.containsKey(name)) {
      throw new KerasFormatException(what + ": no conv1d layer '" + name + "' (conv1d layers: " + layers.keySet()
          + ")");
    }
    List<Dataset> ds = layers.get(name);
    Dataset k = ds.get(0);
    int[] shape = k.getDimensions();
    float[] kernel = floats(k, what);
    float[] bias = null;
    if (ds.size() > 1) {
      Dataset b = ds.get(1);
      if (b.getDimensions().length != 1 || b.getDimensions()[0] != shape[2]) {
        throw new KerasFormatException(what + ": layer '" + name + "': bias " + b.getPath() + " has shape "
            + NpyArray.shapeString(b.getDimensions()) + ", expected (" + shape[2] + ",)");
      }
      bias = floats(b, what);
    }
    return new LayerWeights(name, kernel, shape, bias, null);
  }

  private static float[] floats(Dataset d, String what) throws KerasFormatException {
    Object flat = d.getDataFlat();
    if (flat instanceof float[]) return (float[]) flat;
    if (flat instanceof double[]) {
      double[] v = (double[]) flat;
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
      return f;
    }
    throw new KerasFormatException(what + ": dataset " + d.getPath() + " holds " + d.getJavaType()
        + " values; only float32 and float64 weights are supported");
  }

  /** Layer name (or Keras 3 path segment) to [kernel, bias?] datasets, for every layer with a 3-D kernel. */
  private static Map<String, List<Dataset>> candidates(HdfFile h5, String what) throws IOException {
    Map<String, List<Dataset>> out = new LinkedHashMap<>();
    Group root = h5;
    if (root.getAttribute("layer_names") == null && root.getChild("model_weights") instanceof Group) {
      root = (Group) root.getChild("model_weights");
    }
    if (root.getAttribute("layer_names") != null || root.getAttribute("layer_names0") != null) {
      for (String layer : stringList(root, "layer_names")) {
        Node g = root.getChild(layer);
        if (!(g instanceof Group)) {
          throw new KerasFormatException(what + ": layer_names lists '" + layer + "' but there is no such group");
        }
        List<Dataset> ds = new ArrayList<>();
        for (String w : stringList((Group) g, "weight_names")) {
          Node n = ((Group) g).getByPath(w);
          if (!(n instanceof Dataset)) {
            throw new KerasFormatException(what + ": weight '" + w + "' of layer '" + layer + "' is missing");
          }
          ds.add((Dataset) n);
        }
        addConv(out, layer, ordered(ds));
      }
      return out;
    }
    Node layers = h5.getChild("layers");
    if (layers instanceof Group) {
      for (Node l : (Group) layers) {
        if (!(l instanceof Group)) continue;
        Node vars = ((Group) l).getChild("vars");
        if (!(vars instanceof Group)) continue;
        List<Dataset> ds = new ArrayList<>();
        for (int i = 0; ; i++) {
          Node n = ((Group) vars).getChild(Integer.toString(i));
          if (!(n instanceof Dataset)) break;
          ds.add((Dataset) n);
        }
        addConv(out, l.getName(), ds);
      }
      return out;
    }
    throw new KerasFormatException(what + ": not a Keras weights file (no layer_names attribute, no layers group)");
  }

  /** Kernel first, then bias: by name when the names say so, else in stored order. */
  private static List<Dataset> ordered(List<Dataset> ds) {
    Dataset k = null, b = null;
    for (Dataset d : ds) {
      String n = d.getName().replaceAll(":\\d+$", "");
      if (n.equals("kernel")) k = d;
      else if (n.equals("bias")) b = d;
    }
    if (k == null) return ds;
    return b == null ? List.of(k) : List.of(k, b);
  }

  private static void addConv(Map<String, List<Dataset>> out, String layer, List<Dataset> ds) {
    if (ds.isEmpty() || ds.get(0).getDimensions().length != 3) return;
    out.put(layer, ds);
  }

  private static List<String> stringList(Group g, String name) {
    List<String> out = new ArrayList<>();
    Attribute a = g.getAttribute(name);
    if (a != null) {
      addStrings(out, a.getData());
      return out;
    }
    for (int i = 0; (a = g.getAttribute(name + i)) != null; i++) addStrings(out, a.getData());
    return out;
  }

  private static void addStrings(List<String> out, Object data) {
    if (data instanceof String[]) out.addAll(Arrays.asList((String[]) data));
    else if (data instanceof String) out.add((String) data);
    else if (data instanceof Object[]) for (Object o : (Object[]) data) out.add(String.valueOf(o));
  }

  /**
   * Writes one layer in the legacy Keras {@code .h5} weights layout, as tf.keras 2 writes it: weight names
   * {@code <layer>/kernel:0} and {@code <layer>/bias:0}.
   */
  public static void writeLegacyH5(Path file, LayerWeights w) throws IOException {
    String layer = w.name();
    List<String> names = new ArrayList<>(List.of(layer + "/kernel:0"));
    if (w.bias() != null) names.add(layer + "/bias:0");
    Hdf5Writer.write(file, h5 -> {
      h5.putAttribute("layer_names", new String[] {layer});
      h5.putAttribute("backend", "tensorflow");
      h5.putAttribute("keras_version", "2.15.0");
      WritableGroup g = h5.putGroup(layer);
      g.putAttribute("weight_names", names.toArray(new String[0]));
      WritableGroup inner = g.putGroup(layer);
      inner.putDataset("kernel:0", w.kernel3d());
      if (w.bias() != null) inner.putDataset("bias:0", w.bias().clone());
    });
  }
}
