package dev.conv1d.jobs.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one Conv1D layer as Keras 3 saves a {@code Sequential([Input, Conv1D])}, following
 * {@code keras/src/saving/saving_lib.py}: {@code save_weights("x.weights.h5")} makes the model's own (empty)
 * {@code /vars} group, then {@code /layers/conv1d/vars} with datasets {@code 0} (kernel
 * {@code [kernel_size, in_channels/groups, filters]}) and {@code 1} (bias). The store path is the snake_case class
 * name, not the layer's name, so a {@code .weights.h5} does not record the name; {@code model.save("x.keras")} zips
 * that store as {@code model.weights.h5} with {@code config.json} (which does) and {@code metadata.json}.
 */
public final class Keras3Writer {
  /** The Keras version written to metadata.json: the saving_lib layout above is the one of Keras 3.x. */
  static final String KERAS_VERSION = "3.6.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Keras3Writer() {}

  /** {@code model.save_weights(file)} of a Sequential holding this one Conv1D layer. */
  public static void writeWeightsH5(Path file, LayerWeights w) throws IOException {
    Hdf5Writer.write(file, root -> {
      root.putGroup("vars"); // the Sequential's own variables: none, but Keras' loader opens the group
      var vars = root.putGroup("layers").putGroup("conv1d").putGroup("vars");
      vars.putDataset("0", w.kernel3d());
      if (w.bias() != null) vars.putDataset("1", w.bias().clone());
    });
  }

  /**
   * {@code model.save(file)}: the zip Keras 3 writes (entries stored, as Python's zipfile does by default), its
   * config built from {@link LayerWeights#config()} (padding, strides, dilation_rate, groups, activation,
   * data_format; Keras' defaults where absent).
   */
  public static void writeKeras(Path file, LayerWeights w) throws IOException {
    byte[] config = JSON.writeValueAsBytes(modelConfig(w));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("keras_version", KERAS_VERSION);
    meta.put("date_saved", java.time.LocalDateTime.now().withNano(0).toString().replace('T', '@'));
    byte[] metadata = JSON.writeValueAsBytes(meta);
    Path h5 = Files.createTempFile(file.toAbsolutePath().getParent(), ".conv1d-", ".weights.h5");
    byte[] weights;
    try {
      writeWeightsH5(h5, w);
      weights = Files.readAllBytes(h5);
    } finally {
      Files.deleteIfExists(h5);
    }
    Files.deleteIfExists(file);
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      stored(zip, "metadata.json", metadata);
      stored(zip, "config.json", config);
      stored(zip, "model.weights.h5", weights);
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /** The serialized Sequential: an InputLayer for sequences of any length, then the Conv1D layer. */
  static Map<String, Object> modelConfig(LayerWeights w) {
    Map<String, Object> c = w.config();
    int groups = intOr(c, "groups", 1);
    int channels = w.groupInChannels() * groups;
    boolean channelsFirst = "channels_first".equals(c.get("data_format"));
    List<Object> inputShape = channelsFirst ? Arrays.asList(null, channels, null) : Arrays.asList(null, null, channels);

    Map<String, Object> input = new LinkedHashMap<>();
    input.put("batch_shape", inputShape);
    input.put("dtype", "float32");
    input.put("sparse", false);
    input.put("name", "input_layer");

    Map<String, Object> conv = new LinkedHashMap<>();
    conv.put("name", w.name());
    conv.put("trainable", true);
    conv.put("dtype", dtypePolicy());
    conv.put("filters", w.filters());
    conv.put("kernel_size", List.of(w.kernelSize()));
    conv.put("strides", List.of(intOr(c, "strides", 1)));
    conv.put("padding", c.getOrDefault("padding", "valid"));
    conv.put("data_format", channelsFirst ? "channels_first" : "channels_last");
    conv.put("dilation_rate", List.of(intOr(c, "dilation_rate", 1)));
    conv.put("groups", groups);
    conv.put("activation", activation(c.getOrDefault("activation", "linear").toString()));
    conv.put("use_bias", w.bias() != null);
    conv.put("kernel_initializer", serialized("keras.initializers", "GlorotUniform", mapOf("seed", null)));
    conv.put("bias_initializer", serialized("keras.initializers", "Zeros", Map.of()));
    for (String k : new String[] {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "bias_constraint"}) {
      conv.put(k, null);
    }

    List<Object> layers = new ArrayList<>();
    layers.add(serialized("keras.layers", "InputLayer", input));
    Map<String, Object> convLayer = serialized("keras.layers", "Conv1D", conv);
    convLayer.put("build_config", mapOf("input_shape", inputShape));
    layers.add(convLayer);

    Map<String, Object> seq = new LinkedHashMap<>();
    seq.put("name", "sequential");
    seq.put("trainable", true);
    seq.put("dtype", dtypePolicy());
    seq.put("layers", layers);
    Map<String, Object> model = serialized("keras", "Sequential", seq);
    model.put("build_config", mapOf("input_shape", inputShape));
    return model;
  }

  /** Keras' Conv1D takes an activation by name; a spec with arguments (leaky_relu(...)) has no such name. */
  private static String activation(String spec) {
    if (spec.contains("(")) {
      throw new IllegalArgumentException("activation '" + spec + "' has arguments, which a Keras Conv1D config "
          + "cannot hold (it takes an activation name): export .weights.h5 or .h5 and set the activation in Keras");
    }
    return spec;
  }

  private static int intOr(Map<String, Object> c, String key, int dflt) {
    Object v = c.get(key);
    return v instanceof Number ? ((Number) v).intValue() : dflt;
  }

  private static Map<String, Object> dtypePolicy() {
    return serialized("keras", "DTypePolicy", mapOf("name", "float32"));
  }

  private static Map<String, Object> serialized(String module, String className, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module);
    m.put("class_name", className);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }

  private static Map<String, Object> mapOf(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }
}
