package dev.conv1d.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every notebook of the module at small size (into {@code target/notebooks}, never over the committed ones),
 * checks their outputs and plots, and renders each with Jupyter's own {@code nbconvert}, which fails on an invalid
 * notebook. Also checks that the committed notebooks carry full-size outputs, and that the runner names the notebook
 * and the cell when a cell fails.
 *
 * <p>The build passes {@code notebook.classpath} (this module's runtime classpath), {@code notebook.vmOptions} (heap,
 * Spark's {@code --add-opens} list, the Vector API module), {@code notebook.sourceDir} and {@code notebook.outDir}.
 * Without {@code jupyter} the nbconvert checks are skipped, except under {@code CI=true}, where they fail.
 */
class NotebooksTest {
  private static final Path SOURCE = Paths.get(System.getProperty("notebook.sourceDir", "."));
  private static final Path OUT = Paths.get(System.getProperty("notebook.outDir", "target/notebooks"));
  private static final String CLASSPATH =
      System.getProperty("notebook.classpath", System.getProperty("java.class.path"));
  /** The jupyter command ({@code -Dnotebook.jupyter=/path/to/jupyter} to use another one). */
  private static final String JUPYTER = System.getProperty("notebook.jupyter", "jupyter");
  private static final List<String> VM_OPTIONS =
      NotebookRunner.splitOptions(System.getProperty("notebook.vmOptions", ""));

  /** What each notebook must show: its number of plots and text its cells print. */
  private record Expect(int images, List<String> texts) {}

  private static final Map<String, Expect> EXPECTED = Map.of(
      "01-quickstart.ipynb", new Expect(2, List.of("hand check OK", "valid padding: 62 output steps")),
      "02-training.ipynb", new Expect(3, List.of("iterations in", "max |learned - true| over the taps")),
      "03-scale.ipynb", new Expect(1, List.of("| sequences | time steps | transform s", "sequences done")));

  static List<String> notebooks() throws IOException {
    List<String> names = new ArrayList<>();
    for (Path p : NotebookRunner.expand(List.of(SOURCE))) names.add(p.getFileName().toString());
    return names;
  }

  @Test
  void allNotebooksArePresent() throws IOException {
    assertTrue(notebooks().containsAll(EXPECTED.keySet()), "notebooks in " + SOURCE + ": " + notebooks());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notebooks")
  void runsAtSmallSizeAndRenders(String name) throws Exception {
    Path source = SOURCE.resolve(name);
    String before = Files.readString(source);
    Path executed = OUT.resolve(name);
    NotebookRunner runner = new NotebookRunner(CLASSPATH, VM_OPTIONS, "small", 900, System.out);
    NotebookRunner.Result r = runner.run(source, executed);
    assertEquals(before, Files.readString(source), "the committed notebook must not change");

    Notebook nb = Notebook.read(executed);
    checkExecuted(nb, name, "small");
    Expect e = EXPECTED.getOrDefault(name, new Expect(0, List.of()));
    assertEquals(e.images(), r.images(), name + ": plots");
    assertEquals(e.images(), images(nb), name + ": image/png outputs");
    String text = allText(nb);
    for (String t : e.texts()) assertTrue(text.contains(t), name + ": output lacks \"" + t + "\"");
    if (name.equals("02-training.ipynb")) {
      Matcher m = Pattern.compile("max \\|learned - true\\| over the taps: ([0-9.]+)").matcher(text);
      assertTrue(m.find());
      assertTrue(Double.parseDouble(m.group(1)) < 0.05, "training did not recover the filter: " + m.group(1));
    }
    nbconvert(executed, "small", e.images());
  }

  /** The committed notebooks hold the outputs of a full-size run (the command in the README), with their plots. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notebooks")
  void committedNotebookCarriesFullSizeOutputs(String name) throws Exception {
    Path source = SOURCE.resolve(name);
    Notebook nb = Notebook.read(source);
    checkExecuted(nb, name + " (committed; re-run: mvn -pl notebooks -am -Pnotebooks-full -DskipTests verify)", "full");
    Expect e = EXPECTED.getOrDefault(name, new Expect(0, List.of()));
    assertEquals(e.images(), images(nb), name + " (committed): image/png outputs");
    nbconvert(source, "committed", e.images());
  }

  @Test
  void compileErrorNamesNotebookCellAndDiagnostic(@TempDir Path dir) throws Exception {
    Path nb = notebook(dir, "broken.ipynb", "int x = 1;", "int y = x +;");
    NotebookExecutionException e = assertThrows(NotebookExecutionException.class,
        () -> new NotebookRunner(CLASSPATH, List.of(), "small", 120, System.out).run(nb, dir.resolve("out.ipynb")));
    assertEquals("broken.ipynb", e.notebook());
    assertEquals(2, e.cellIndex());
    assertTrue(e.getMessage().startsWith("broken.ipynb, cell 2: In [2]: CompileError"), e.getMessage());
    assertTrue(e.getMessage().contains("error (snippet line 1)"), e.getMessage());
    Notebook written = Notebook.read(dir.resolve("out.ipynb"));
    JsonNode err = written.cells().get(2).get("outputs").get(0);
    assertEquals("error", err.get("output_type").asText());
  }

  @Test
  void exceptionNamesNotebookCellAndKeepsEarlierOutputs(@TempDir Path dir) throws Exception {
    Path nb = notebook(dir, "throws.ipynb", "System.out.println(\"before\");\n1 + 2",
        "String shown = \"no\";\nshown.length();",
        "String s = \"x\";\nif (s.length() == 1) throw new IllegalStateException(\"boom in cell\");", "int never = 0;");
    NotebookExecutionException e = assertThrows(NotebookExecutionException.class,
        () -> new NotebookRunner(CLASSPATH, List.of(), "small", 120, System.out).run(nb, dir.resolve("out.ipynb")));
    assertEquals(3, e.cellIndex());
    assertTrue(e.getMessage().contains("java.lang.IllegalStateException: boom in cell"), e.getMessage());
    List<ObjectNode> cells = Notebook.read(dir.resolve("out.ipynb")).cells();
    assertEquals("before\n", Notebook.joined(cells.get(1).get("outputs").get(0).get("text")));
    assertEquals("3", Notebook.joined(cells.get(1).get("outputs").get(1).get("data").get("text/plain")));
    assertEquals(0, cells.get(2).get("outputs").size(), "a trailing expression ending with ';' is not displayed");
    assertTrue(cells.get(4).get("execution_count").isNull(), "cells after the failure do not run");
  }

  // ---- helpers ----

  private static Path notebook(Path dir, String name, String... codeCells) throws IOException {
    StringBuilder cells = new StringBuilder("{\"cell_type\": \"markdown\", \"id\": \"m0\", \"metadata\": {},"
        + " \"source\": \"# test\"}");
    for (int i = 0; i < codeCells.length; i++) {
      cells.append(", {\"cell_type\": \"code\", \"execution_count\": null, \"id\": \"c").append(i)
          .append("\", \"metadata\": {}, \"outputs\": [], \"source\": ")
          .append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(codeCells[i])).append("}");
    }
    String json = "{\"cells\": [" + cells + "], \"metadata\": {\"kernelspec\": {\"name\": \"java\","
        + " \"display_name\": \"Java\", \"language\": \"java\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}";
    Path p = dir.resolve(name);
    Files.writeString(p, json);
    return p;
  }

  private static void checkExecuted(Notebook nb, String what, String scale) {
    assertEquals("java", nb.root().path("metadata").path("kernelspec").path("language").asText(), what);
    assertEquals("java", nb.root().path("metadata").path("language_info").path("name").asText(), what);
    int count = 0;
    for (ObjectNode c : nb.cells()) {
      assertNotNull(c.get("id"), what + ": cell ids (nbformat 4.5)");
      if (!Notebook.isCode(c)) continue;
      count++;
      assertEquals(count, c.path("execution_count").asInt(-1), what + ": execution_count of code cell " + count);
      for (JsonNode o : c.get("outputs")) {
        assertFalse("error".equals(o.path("output_type").asText()), what + ": error output " + o);
      }
    }
    assertTrue(count > 0, what + ": no code cells");
    assertTrue(allText(nb).contains("scale: " + scale), what + ": not run at scale " + scale);
  }

  private static int images(Notebook nb) {
    int n = 0;
    for (ObjectNode c : nb.cells()) {
      for (JsonNode o : c.path("outputs")) {
        JsonNode png = o.path("data").path("image/png");
        if (png.isTextual()) {
          byte[] bytes = java.util.Base64.getMimeDecoder().decode(png.asText());
          assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG");
          n++;
        }
      }
    }
    return n;
  }

  private static String allText(Notebook nb) {
    StringBuilder sb = new StringBuilder();
    for (ObjectNode c : nb.cells()) {
      for (JsonNode o : c.path("outputs")) {
        sb.append(Notebook.joined(o.get("text")));
        sb.append(Notebook.joined(o.path("data").get("text/plain")));
      }
    }
    return sb.toString();
  }

  /** Jupyter's nbconvert renders the notebook to HTML; it exits non-zero on an invalid notebook. */
  private static void nbconvert(Path notebook, String kind, int images) throws Exception {
    if (!commandWorks(JUPYTER, "nbconvert", "--version")) {
      if ("true".equals(System.getenv("CI"))) {
        fail("jupyter nbconvert is missing under CI=true: .ci/run installs it (apt-get install jupyter-nbconvert)");
      }
      Assumptions.abort("jupyter nbconvert not installed (apt-get install jupyter-nbconvert python3-nbconvert)");
    }
    Path htmlDir = OUT.resolve("html").resolve(kind);
    Files.createDirectories(htmlDir);
    Path log = htmlDir.resolve(notebook.getFileName() + ".nbconvert.log");
    Process p = new ProcessBuilder(JUPYTER, "nbconvert", "--to", "html", "--output-dir", htmlDir.toString(),
        notebook.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nbconvert timed out");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "nbconvert failed on " + notebook + ":\n" + output);
    assertFalse(output.contains("Notebook JSON is invalid"), output);
    Path html = htmlDir.resolve(notebook.getFileName().toString().replace(".ipynb", ".html"));
    String h = Files.readString(html, StandardCharsets.UTF_8);
    int embedded = h.split("<img src=\"data:image/png;base64,", -1).length - 1;
    assertEquals(images, embedded, html + ": embedded PNGs");
  }

  private static boolean commandWorks(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
