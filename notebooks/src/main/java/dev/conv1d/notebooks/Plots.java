package dev.conv1d.notebooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Shows an XChart chart in a notebook cell. Called by the cells, inside the JShell VM: it renders the chart to a
 * PNG in the directory the runner passes as {@code -Dnotebook.plots.dir} (plus a {@code .txt} with the title); the
 * runner attaches the PNGs a cell produced, in order, to that cell's outputs as {@code image/png}. Outside the
 * runner (no such property) it writes under {@code java.io.tmpdir} and prints the file's path.
 */
public final class Plots {
  /** System property naming the directory plots go to; set by {@link NotebookRunner} for the JShell VM. */
  public static final String DIR_PROPERTY = "notebook.plots.dir";

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Plots() {}

  /** Renders {@code chart} as a PNG for the current cell and returns the file written. */
  public static Path show(Chart<?, ?> chart) {
    String dir = System.getProperty(DIR_PROPERTY);
    try {
      Path d = dir != null ? Paths.get(dir) : Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir"),
          "conv1d-plots"));
      String base = String.format(java.util.Locale.ROOT, "plot-%04d", COUNTER.incrementAndGet());
      Path png = d.resolve(base + ".png");
      String title = chart.getTitle() == null || chart.getTitle().isBlank() ? base : chart.getTitle();
      Files.writeString(d.resolve(base + ".txt"), title, StandardCharsets.UTF_8);
      BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
      if (dir == null) System.out.println("plot saved to " + png);
      return png;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save plot", e);
    }
  }
}
