package dev.conv1d.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/**
 * Spark ML params by name from text: {@code --param padding=same}, or a JSON config file {@code {"padding":
 * "same", "strides": 2}}. Works for any {@link Params} (the model now, the Conv1D estimator's every param for
 * {@code train}), converting each value to its param's type and checking it with the param's validator, so a bad
 * value fails before any job with the param's name and doc.
 */
public final class ParamSettings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> values = new LinkedHashMap<>();

  public ParamSettings() {}

  /** Adds {@code name=value} pairs (later ones win). */
  public ParamSettings addPairs(List<String> pairs, String option) {
    if (pairs == null) return this;
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) throw new UserException(option + " expects name=value, got '" + p + "'");
      values.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return this;
  }

  /** Adds the entries of a JSON object file (string, number or boolean values). */
  public ParamSettings addJsonFile(Path file) {
    if (file == null) return this;
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such config file");
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UserException(file + ": not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) throw new UserException(file + ": expected a JSON object of params");
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw new UserException(file + ": param '" + e.getKey() + "' must be a string, number or boolean");
      }
      values.put(e.getKey(), v.asText());
    }
    return this;
  }

  /** Sets one value unless it is already given. */
  public ParamSettings putIfAbsent(String name, Object value) {
    if (value != null) values.putIfAbsent(name, String.valueOf(value));
    return this;
  }

  /** Sets one value, replacing any given. */
  public ParamSettings put(String name, Object value) {
    if (value != null) values.put(name, String.valueOf(value));
    return this;
  }

  public Map<String, String> values() {
    return new LinkedHashMap<>(values);
  }

  /** The values as a ParamMap for {@code target}; unknown names and invalid values fail with a clear message. */
  public ParamMap toParamMap(Params target) {
    ParamMap map = ParamMap.empty();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String name = e.getKey();
      if (!target.hasParam(name)) {
        List<String> names = new ArrayList<>();
        for (Param<?> p : target.params()) names.add(p.name());
        throw new UserException("unknown param '" + name + "' (params: " + String.join(", ", names) + ")");
      }
      @SuppressWarnings("unchecked")
      Param<Object> param = (Param<Object>) target.getParam(name);
      Object value = convert(param, e.getValue());
      boolean valid;
      try {
        valid = param.isValid().apply(value).equals(Boolean.TRUE);
      } catch (RuntimeException ex) {
        valid = false;
      }
      if (!valid) {
        throw new UserException("invalid value for param " + name + ": '" + e.getValue() + "' (" + param.doc() + ")");
      }
      map.put(param, value);
    }
    return map;
  }

  /** A copy of {@code target} with these values set. */
  @SuppressWarnings("unchecked")
  public <T extends Params> T applyTo(T target) {
    return (T) target.copy(toParamMap(target));
  }

  private static Object convert(Param<?> p, String s) {
    String name = p.name();
    try {
      if (p instanceof IntParam) return Integer.parseInt(s);
      if (p instanceof LongParam) return Long.parseLong(s);
      if (p instanceof DoubleParam) return Double.parseDouble(s);
      if (p instanceof FloatParam) return Float.parseFloat(s);
      if (p instanceof BooleanParam) {
        if (s.equalsIgnoreCase("true")) return true;
        if (s.equalsIgnoreCase("false")) return false;
        throw new UserException("param " + name + " expects true or false, got '" + s + "'");
      }
    } catch (NumberFormatException e) {
      throw new UserException("param " + name + " expects a number, got '" + s + "'");
    }
    if (p.getClass() == Param.class) return s; // Param<String>
    try {
      return p.jsonDecode(s);
    } catch (RuntimeException e) {
      throw new UserException("param " + name + ": cannot read '" + s + "' (" + p.doc() + ")");
    }
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
