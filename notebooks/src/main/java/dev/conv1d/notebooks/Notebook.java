package dev.conv1d.notebooks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Jupyter notebook (nbformat 4) as a Jackson tree: just enough to read the code cells and write their outputs
 * back. Everything else in the file (markdown cells, metadata, unknown keys) is kept as it was. Written the way
 * Jupyter writes notebooks (keys sorted, one-space indent, multi-line strings as lists of lines), so that
 * re-executing a notebook gives small diffs.
 */
public final class Notebook {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode root;

  private Notebook(ObjectNode root) {
    this.root = root;
  }

  public static Notebook read(Path file) throws IOException {
    JsonNode n = MAPPER.readTree(file.toFile());
    if (!(n instanceof ObjectNode) || n.path("nbformat").asInt() != 4) {
      throw new IOException(file + ": not an nbformat 4 notebook");
    }
    if (!n.path("cells").isArray()) throw new IOException(file + ": no cells array");
    return new Notebook((ObjectNode) n);
  }

  public ObjectNode root() {
    return root;
  }

  public List<ObjectNode> cells() {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode c : root.get("cells")) out.add((ObjectNode) c);
    return out;
  }

  public static boolean isCode(ObjectNode cell) {
    return "code".equals(cell.path("cell_type").asText());
  }

  /** A cell's source: nbformat allows a string or a list of lines. */
  public static String source(ObjectNode cell) {
    return joined(cell.get("source"));
  }

  /** A multi-line string field (string or list of strings) as one string. */
  public static String joined(JsonNode n) {
    if (n == null || n.isNull()) return "";
    if (n.isTextual()) return n.asText();
    StringBuilder sb = new StringBuilder();
    for (JsonNode line : n) sb.append(line.asText());
    return sb.toString();
  }

  /** Jupyter's on-disk form of a multi-line string: lines, each but the last keeping its newline. */
  public static ArrayNode lines(String text) {
    ArrayNode a = NODES.arrayNode();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        a.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) a.add(text.substring(start));
    return a;
  }

  /** Clears every code cell's outputs and execution count; adds cell ids where nbformat 4.5+ requires them. */
  public void clearOutputs() {
    boolean ids = root.path("nbformat_minor").asInt() >= 5;
    for (ObjectNode c : cells()) {
      if (ids && !c.hasNonNull("id")) c.put("id", UUID.randomUUID().toString().substring(0, 8));
      if (isCode(c)) {
        c.putNull("execution_count");
        c.set("outputs", NODES.arrayNode());
        if (!c.has("metadata")) c.set("metadata", NODES.objectNode());
      }
    }
  }

  public static ObjectNode stream(String name, String text) {
    ObjectNode o = NODES.objectNode();
    o.put("output_type", "stream");
    o.put("name", name);
    o.set("text", lines(text));
    return o;
  }

  public static ObjectNode executeResult(int count, String text) {
    ObjectNode o = NODES.objectNode();
    o.put("output_type", "execute_result");
    o.put("execution_count", count);
    ObjectNode data = o.putObject("data");
    data.set("text/plain", lines(text));
    o.putObject("metadata");
    return o;
  }

  public static ObjectNode image(String base64Png, String caption, int width, int height) {
    ObjectNode o = NODES.objectNode();
    o.put("output_type", "display_data");
    ObjectNode data = o.putObject("data");
    data.put("image/png", base64Png);
    data.set("text/plain", lines(caption));
    ObjectNode meta = o.putObject("metadata").putObject("image/png");
    meta.put("width", width);
    meta.put("height", height);
    return o;
  }

  public static ObjectNode error(String ename, String evalue, List<String> traceback) {
    ObjectNode o = NODES.objectNode();
    o.put("output_type", "error");
    o.put("ename", ename);
    o.put("evalue", evalue);
    ArrayNode tb = o.putArray("traceback");
    traceback.forEach(tb::add);
    return o;
  }

  /** The notebook as Jupyter writes it: keys sorted, indent 1, newline at the end. */
  public String toJson() throws IOException {
    Object plain = MAPPER.convertValue(root, Map.class);
    // Python's json.dump(indent=1): "key": value, one space per level, [] and {} when empty.
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withArrayEmptySeparator("")
        .withObjectEmptySeparator(""));
    DefaultIndenter one = new DefaultIndenter(" ", "\n");
    pp.indentObjectsWith(one);
    pp.indentArraysWith(one);
    ObjectMapper writer = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    StringWriter sw = new StringWriter();
    writer.writer(pp).writeValue(sw, plain);
    return sw + "\n";
  }

  public void write(Path file) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
