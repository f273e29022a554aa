package dev.conv1d.spark.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, memory: {@link MemoryRun} transforms 1M S1-shape sequences in local[2] inside a child JVM whose driver
 * heap is 2 GB ({@code -Xmx2g}); every row and output step must be there and Arrow at zero. 17-95 s here
 * (13-43 s of transform for 1M sequences, by machine load). Under Failsafe, which passes the JVM flags in
 * {@code conv1d.test.childJavaOptions}.
 */
class MemoryIT {
  @TempDir Path tmp;

  @Test
  void aMillionS1SequencesInATwoGigabyteDriver() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    for (String f : System.getProperty("conv1d.test.childJavaOptions", "").split("\\s+")) {
      if (!f.isBlank()) cmd.add(f);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(MemoryRun.class.getName());
    cmd.add("1000000");
    cmd.add("8");
    Path log = tmp.resolve("memory-run.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(15, TimeUnit.MINUTES);
    if (!ended) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String out = Files.readString(log);
    String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("(no RESULT line)");
    System.out.println(result); // kept in the Failsafe report
    assertTrue(ended, "memory run did not finish in 15 minutes:\n" + tail(out));
    assertEquals(0, p.exitValue(), result + "\n" + tail(out));
    assertTrue(result.contains("maxHeapMiB=2048 ") && result.contains("count=1000000 ")
        && result.contains("outputSteps=126000000 ") && result.contains("arrowAtZero=true ok=true"), result);
  }

  private static String tail(String s) {
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }
}
