package dev.conv1d.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conv1d.jobs.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What export writes, read back by NumPy and h5py themselves (Keras' legacy loader logic: layer_names, then each
 * group's weight_names, then the datasets they name). Skipped where Python with numpy and h5py is not installed
 * (Debian: python3-numpy, python3-h5py); the committed fixtures cover the other direction everywhere.
 */
class NumpyInteropTest {
  private static String python;

  @BeforeAll
  static void findPython() throws Exception {
    for (String p : List.of("/usr/bin/python3", "python3")) {
      try {
        Process pr = new ProcessBuilder(p, "-c", "import numpy, h5py").redirectErrorStream(true).start();
        if (pr.waitFor(60, TimeUnit.SECONDS) && pr.exitValue() == 0) {
          python = p;
          break;
        }
      } catch (IOException e) {
        // try the next
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      // CI installs them (.ci/run): there a missing checker is a failure, not a skip.
      org.junit.jupiter.api.Assertions.assertNotNull(python, "CI needs /usr/bin/python3 with numpy and h5py");
    }
    assumeTrue(python != null, "needs python3 with numpy and h5py");
  }

  private static String py(String script, Path... files) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(python, "-c", script));
    for (Path f : files) cmd.add(f.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static final String SUMMARY = "import sys, numpy as np\n"
      + "def s(a): return '%s %s %.6f %.6f' % (a.dtype, a.shape, float(a.ravel()[0]), float(a.sum()))\n";

  @Test
  void numpyAndH5pyReadWhatWeWrite(@TempDir Path dir) throws Exception {
    LayerWeights w = new LayerWeights("enc", Fixtures.kernelA(), new int[] {3, 2, 4}, Fixtures.biasA(), null);
    float[] k = Fixtures.kernelA();
    double ksum = 0;
    for (float v : k) ksum += v;
    String kern = String.format("float32 (3, 2, 4) %.6f %.6f", k[0], ksum);
    String bias = String.format("float32 (4,) %.6f %.6f", 0.5, 0.5 + 0.25 + 0 - 0.25);

    Path npy = dir.resolve("w.npy");
    WeightFiles.write(npy, w);
    assertEquals(kern + "\n" + bias, py(SUMMARY + "print(s(np.load(sys.argv[1])))\nprint(s(np.load(sys.argv[2])))",
        npy, WeightFiles.biasSibling(npy)));

    Path npz = dir.resolve("w.npz");
    WeightFiles.write(npz, w);
    assertEquals(kern + "\n" + bias, py(SUMMARY + "z = np.load(sys.argv[1])\nprint(s(z['kernel']))\nprint(s(z['bias']))",
        npz));

    Path h5 = dir.resolve("w.h5");
    WeightFiles.write(h5, w);
    String legacy = SUMMARY + "import h5py\n"
        + "f = h5py.File(sys.argv[1], 'r')\n"
        + "dec = lambda xs: [x.decode('utf8') if hasattr(x, 'decode') else x for x in xs]\n"
        + "names = dec(f.attrs['layer_names'])\n"
        + "g = f[names[0]]\n"
        + "print(names, dec([f.attrs['backend']]), dec(g.attrs['weight_names']))\n"
        + "for n in dec(g.attrs['weight_names']): print(s(np.asarray(g[n])))\n";
    assertEquals("['enc'] ['tensorflow'] ['enc/kernel:0', 'enc/bias:0']\n" + kern + "\n" + bias, py(legacy, h5));
  }
}
