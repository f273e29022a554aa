package dev.conv1d.notebooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.JdiExecutionControlProvider;

/**
 * Executes Jupyter notebooks written for a Java kernel (JJava/IJava) in JShell, cell by cell, and writes the outputs
 * back into the notebook.
 *
 * <p>Each notebook gets a fresh JShell whose execution engine is a separate JVM (JDI, listening mode). That JVM gets
 * the classpath and the JVM options given to the runner (Spark's {@code --add-opens} list and
 * {@code --add-modules=jdk.incubator.vector} in the build) through {@link JShell.Builder#remoteVMOptions}, and the
 * same classpath is given to JShell's compiler. It also gets {@code -Dnotebook.scale}, {@code -Dnotebook.plots.dir}
 * and a log4j2 configuration that keeps Spark's logging to errors.
 *
 * <p>A code cell's source is split into snippets with {@link SourceCodeAnalysis#analyzeCompletion} and evaluated in
 * order. The cell's outputs: what it printed ({@code stream} stdout/stderr), every plot it showed with
 * {@link Plots#show} ({@code display_data} with {@code image/png}), and the value of a trailing expression without
 * a semicolon ({@code execute_result}, as the IJava/JJava kernels do). A compile error, an unresolved reference, an exception or a timeout stops the notebook:
 * the failing cell gets an {@code error} output, the notebook is still written (for inspection), and a
 * {@link NotebookExecutionException} names the notebook, the cell index and the diagnostics.
 */
public final class NotebookRunner {
  /** System properties the runner sets in the JShell VM; cells read {@link #SCALE_PROPERTY}. */
  public static final String SCALE_PROPERTY = "notebook.scale";

  private final String classpath;
  private final List<String> vmOptions;
  private final String scale;
  private final long cellTimeoutSeconds;
  private final PrintStream log;

  public NotebookRunner(String classpath, List<String> vmOptions, String scale, long cellTimeoutSeconds,
      PrintStream log) {
    this.classpath = classpath;
    this.vmOptions = List.copyOf(vmOptions);
    this.scale = scale;
    this.cellTimeoutSeconds = cellTimeoutSeconds;
    this.log = log;
  }

  /** What one notebook run produced. */
  public record Result(Path output, int codeCells, int images, long millis, List<Long> cellMillis) {}

  // ---- command line ----

  public static void main(String[] args) throws Exception {
    String cp = System.getProperty("notebook.classpath", System.getProperty("java.class.path"));
    String vm = System.getProperty("notebook.vmOptions", "");
    String scale = System.getProperty(SCALE_PROPERTY, System.getenv().getOrDefault("NOTEBOOK_SCALE", "small"));
    long timeout = 3600;
    Path out = null;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale": scale = args[++i]; break;
        case "--classpath": cp = args[++i]; break;
        case "--vm-options": vm = args[++i]; break;
        case "--out": out = Paths.get(args[++i]); break;
        case "--cell-timeout": timeout = Long.parseLong(args[++i]); break;
        case "--help":
          System.out.println("NotebookRunner [--scale small|full] [--classpath CP] [--vm-options \"OPTS\"]"
              + " [--out DIR] [--cell-timeout SECONDS] NOTEBOOK.ipynb|DIR...\n"
              + "Executes the code cells in JShell and writes each notebook with its outputs to DIR (default: in"
              + " place).");
          return;
        default: inputs.add(Paths.get(args[i]));
      }
    }
    if (inputs.isEmpty()) throw new IllegalArgumentException("no notebooks given (try --help)");
    NotebookRunner runner = new NotebookRunner(cp, splitOptions(vm), scale, timeout, System.out);
    for (Path nb : expand(inputs)) {
      Path target = out == null ? nb : out.resolve(nb.getFileName());
      Result r = runner.run(nb, target);
      System.out.printf(Locale.ROOT, "%s: %d code cells, %d images, %.1f s -> %s%n", nb.getFileName(),
          r.codeCells(), r.images(), r.millis() / 1000.0, r.output());
    }
  }

  /** Notebook files, directories expanded to their {@code *.ipynb} (sorted by name). */
  public static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> all = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          all.addAll(s.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().collect(Collectors.toList()));
        }
      } else {
        all.add(p);
      }
    }
    return all;
  }

  public static List<String> splitOptions(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).collect(Collectors.toList());
  }

  // ---- one notebook ----

  /** Executes {@code input} and writes it with outputs to {@code output} (may be the same file). */
  public Result run(Path input, Path output) throws IOException, NotebookExecutionException {
    String name = input.getFileName().toString();
    Notebook nb = Notebook.read(input);
    nb.clearOutputs();
    Path work = Files.createTempDirectory("notebook-" + name.replace(".ipynb", "") + "-");
    Path plots = Files.createDirectories(work.resolve("plots"));
    Path log4j = work.resolve("log4j2.properties");
    Files.writeString(log4j, String.join("\n",
        "rootLogger.level = error",
        "rootLogger.appenderRef.stderr.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %p %c{1}: %m%n%ex", ""));

    List<String> remote = new ArrayList<>(vmOptions);
    remote.addAll(List.of("-Djava.awt.headless=true", "-D" + SCALE_PROPERTY + "=" + scale,
        "-D" + Plots.DIR_PROPERTY + "=" + plots, "-Dnotebook.name=" + name, "-Dnotebook.workDir=" + work,
        "-Dlog4j2.configurationFile=" + log4j, "--class-path", classpath));

    CellOutput out = new CellOutput(log, false);
    CellOutput err = new CellOutput(log, true);
    Map<String, String> engine = new HashMap<>();
    engine.put("launch", "false");
    engine.put("hostname", "localhost");
    engine.put("timeout", "120000"); // ms to wait for the JShell VM to connect: Spark-sized classpaths, busy machines
    long t0 = System.nanoTime();
    log.printf(Locale.ROOT, "[notebook] %s (scale=%s)%n", name, scale);
    List<Long> cellMillis = new ArrayList<>();
    int images = 0;
    int codeCells = 0;
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "notebook-watchdog");
      t.setDaemon(true);
      return t;
    });
    try (JShell js = JShell.builder()
        .executionEngine(new JdiExecutionControlProvider(), engine)
        .remoteVMOptions(remote.toArray(new String[0]))
        .compilerOptions("--class-path", classpath)
        .in(InputStream.nullInputStream())
        .out(new PrintStream(out, true, StandardCharsets.UTF_8))
        .err(new PrintStream(err, true, StandardCharsets.UTF_8))
        .build()) {
      List<ObjectNode> cells = nb.cells();
      java.util.Set<Path> seen = new java.util.HashSet<>();
      for (int index = 0; index < cells.size(); index++) {
        ObjectNode cell = cells.get(index);
        if (!Notebook.isCode(cell)) continue;
        codeCells++;
        int count = codeCells;
        cell.put("execution_count", count);
        ArrayNode outputs = (ArrayNode) cell.get("outputs");
        out.reset();
        err.reset();
        long c0 = System.nanoTime();
        log.printf(Locale.ROOT, "[notebook] %s cell %d (In [%d])%n", name, index, count);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> dog = watchdog.schedule(() -> {
          timedOut.set(true);
          js.stop();
        }, cellTimeoutSeconds, TimeUnit.SECONDS);
        Failure failure;
        String lastValue;
        try {
          CellRun run = runCell(js, Notebook.source(cell));
          failure = run.failure;
          lastValue = run.value;
          if (failure == null) {
            // Let the remote VM flush what it printed before we read the streams.
            js.eval("{ System.out.flush(); System.err.flush(); }");
          }
        } finally {
          dog.cancel(false);
        }
        if (timedOut.get()) {
          failure = new Failure("Timeout", "cell ran longer than " + cellTimeoutSeconds + " s and was stopped",
              failure == null ? List.of() : failure.traceback);
        }
        cellMillis.add((System.nanoTime() - c0) / 1_000_000);
        String stdout = out.text();
        String stderr = err.text();
        if (!stdout.isEmpty()) outputs.add(Notebook.stream("stdout", stdout));
        if (!stderr.isEmpty()) outputs.add(Notebook.stream("stderr", stderr));
        for (Path png : newPlots(plots, seen)) {
          outputs.add(image(png));
          images++;
        }
        if (failure != null) {
          outputs.add(Notebook.error(failure.ename, failure.evalue, failure.traceback));
          nb.write(output);
          throw new NotebookExecutionException(name, index, "In [" + count + "]: " + failure.ename + ": "
              + failure.evalue + (failure.traceback.isEmpty() ? "" : "\n" + String.join("\n", failure.traceback))
              + (stderr.isEmpty() ? "" : "\n--- stderr of the cell ---\n" + tail(stderr, 4000)));
        }
        if (lastValue != null) outputs.add(Notebook.executeResult(count, lastValue));
      }
    } finally {
      watchdog.shutdownNow();
      deleteTree(work);
    }
    nb.write(output);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    log.printf(Locale.ROOT, "[notebook] %s done in %.1f s%n", name, millis / 1000.0);
    return new Result(output, codeCells, images, millis, cellMillis);
  }

  private record Failure(String ename, String evalue, List<String> traceback) {}

  private record CellRun(Failure failure, String value) {}

  /** Evaluates a cell's snippets in order; stops at the first failure. */
  private static CellRun runCell(JShell js, String source) {
    SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
    String remaining = source;
    String value = null;
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      SourceCodeAnalysis.Completeness c = info.completeness();
      if (c == SourceCodeAnalysis.Completeness.EMPTY) break;
      if (!c.isComplete()) {
        return new CellRun(new Failure("CompileError", "incomplete code (" + c + ")", List.of(remaining.strip())), null);
      }
      String snippet = info.source();
      String typed = remaining.substring(0, remaining.length() - info.remaining().length());
      remaining = info.remaining();
      // As in IJava/JJava: a trailing expression is displayed unless a semicolon ends it.
      boolean display = !typed.strip().endsWith(";");
      value = null;
      for (SnippetEvent e : js.eval(snippet)) {
        if (e.causeSnippet() != null) continue; // dependents updated by this snippet, not the snippet itself
        Snippet s = e.snippet();
        if (e.status() == Snippet.Status.REJECTED) {
          List<String> tb = new ArrayList<>();
          js.diagnostics(s).forEach(d -> tb.add(describe(d, s.source())));
          tb.add("in snippet:");
          tb.add(s.source().strip());
          return new CellRun(new Failure("CompileError", "snippet rejected by the compiler", tb), null);
        }
        if (e.exception() != null) return new CellRun(exceptionFailure(e.exception(), s), null);
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
          String missing = s instanceof jdk.jshell.DeclarationSnippet
              ? js.unresolvedDependencies((jdk.jshell.DeclarationSnippet) s).collect(Collectors.joining(", "))
              : "?";
          return new CellRun(new Failure("CompileError", "unresolved: " + missing, List.of(s.source().strip())), null);
        }
        if (display && isExpression(s) && e.value() != null && !e.value().isEmpty()) value = e.value();
      }
    }
    return new CellRun(null, value);
  }

  private static boolean isExpression(Snippet s) {
    return s.kind() == Snippet.Kind.EXPRESSION
        || (s instanceof VarSnippet && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
  }

  private static String describe(Diag d, String source) {
    String kind = d.isError() ? "error" : "warning";
    long pos = d.getPosition();
    String where = "";
    if (pos >= 0 && pos <= source.length()) {
      int line = 1;
      for (int i = 0; i < pos; i++) if (source.charAt(i) == '\n') line++;
      where = " (snippet line " + line + ")";
    }
    return kind + where + ": " + d.getMessage(Locale.ROOT);
  }

  private static Failure exceptionFailure(JShellException ex, Snippet s) {
    List<String> tb = new ArrayList<>();
    String ename;
    if (ex instanceof EvalException) {
      ename = ((EvalException) ex).getExceptionClassName();
    } else if (ex instanceof UnresolvedReferenceException) {
      ename = "UnresolvedReference";
    } else {
      ename = ex.getClass().getName();
    }
    Throwable t = ex;
    boolean first = true;
    while (t != null) {
      String cls = t instanceof EvalException ? ((EvalException) t).getExceptionClassName() : t.getClass().getName();
      tb.add((first ? "" : "Caused by: ") + cls + ": " + t.getMessage());
      for (StackTraceElement f : t.getStackTrace()) tb.add("\tat " + f);
      first = false;
      t = t.getCause();
    }
    tb.add("in snippet:");
    tb.add(s.source().strip());
    return new Failure(ename, String.valueOf(ex.getMessage()), tb);
  }

  private static List<Path> newPlots(Path dir, java.util.Set<Path> seen) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> fresh = s.filter(p -> p.getFileName().toString().endsWith(".png") && !seen.contains(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).collect(Collectors.toList());
      seen.addAll(fresh);
      return fresh;
    }
  }

  private static ObjectNode image(Path png) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    BufferedImage img = ImageIO.read(png.toFile());
    if (img == null) throw new IOException(png + " is not a readable PNG");
    Path txt = png.resolveSibling(png.getFileName().toString().replace(".png", ".txt"));
    String caption = Files.exists(txt) ? Files.readString(txt) : png.getFileName().toString();
    return Notebook.image(Base64.getEncoder().encodeToString(bytes), "<XChart: " + caption + ">", img.getWidth(),
        img.getHeight());
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n);
  }

  private static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  /** Collects what the JShell VM prints during one cell, and echoes it to the runner's log. */
  private static final class CellOutput extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream echo;
    private final boolean isErr;

    CellOutput(PrintStream echo, boolean isErr) {
      this.echo = echo;
      this.isErr = isErr;
    }

    @Override
    public synchronized void write(int b) {
      buf.write(b);
      echo.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      buf.write(b, off, len);
      echo.write(b, off, len);
    }

    synchronized void reset() {
      buf.reset();
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return isErr ? "stderr" : "stdout";
    }
  }
}
