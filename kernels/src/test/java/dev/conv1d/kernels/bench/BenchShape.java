package dev.conv1d.kernels.bench;

import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One line of the benchmark suite (shapes.tsv). */
public final class BenchShape {
  public final String name;
  public final int batch, length;
  public final Conv1DSpec spec;

  BenchShape(String name, int batch, int length, Conv1DSpec spec) {
    this.name = name;
    this.batch = batch;
    this.length = length;
    this.spec = spec;
  }

  public int outLength() {
    return spec.outputLength(length);
  }

  /** FLOPs of one direction, as the suite defines them: 2*batch*out_length*kernel_size*(in/groups)*filters. */
  public double flops() {
    return 2.0 * batch * outLength() * spec.kernelSize() * spec.groupInChannels() * spec.filters();
  }

  /** Reads the suite from a file, or from the copy bundled with the tests when the path is null. */
  public static List<BenchShape> load(Path file) throws IOException {
    try (InputStream in = file != null ? Files.newInputStream(file)
        : BenchShape.class.getResourceAsStream("/bench/shapes.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<BenchShape> out = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#") || line.startsWith("name\t")) continue;
        String[] f = line.split("\t");
        Conv1DSpec spec = Conv1DSpec.builder().inChannels(Integer.parseInt(f[3])).kernelSize(Integer.parseInt(f[4]))
            .filters(Integer.parseInt(f[5])).strides(Integer.parseInt(f[6])).dilationRate(Integer.parseInt(f[7]))
            .padding(f[8]).groups(Integer.parseInt(f[9])).dataFormat(DataFormat.CHANNELS_LAST).useBias(true).build();
        out.add(new BenchShape(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), spec));
      }
      return out;
    }
  }
}
