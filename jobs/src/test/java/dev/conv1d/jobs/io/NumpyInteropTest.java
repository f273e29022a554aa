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
 * What export writes, read back by NumPy and h5py themselves: Keras' legacy loader logic (layer_names, then each
 * group's weight_names, then the datasets they name) and Keras 3's saving_lib (the root vars group, then
 * layers/conv1d/vars/0 and /1; a .keras zip's config.json and its model.weights.h5 opened as a file object). Skipped where Python with numpy and h5py is not installed
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

  /** Every object in the file, datasets with dtype and shape, then what Keras 3's H5Entry reads for the layer. */
  private static final String KERAS3 = SUMMARY + "import h5py, io, json, zipfile\n"
      + "def tree(f):\n"
      + "  out = []\n"
      + "  f.visititems(lambda n, o: out.append(n + ('/' if isinstance(o, h5py.Group) else ' %s %s' % (o.dtype, o.shape))))\n"
      + "  return sorted(out)\n"
      + "def entry(f, path):\n" // saving_lib.H5Entry in read mode
      + "  return f['vars'] if not path else f[path]['vars']\n"
      + "def show(f, path):\n"
      + "  print(tree(f), dict(f.attrs), len(entry(f, '')))\n"
      + "  g = entry(f, path)\n"
      + "  for k in sorted(g.keys()): print(s(np.asarray(g[k])))\n";

  @Test
  void h5pyReadsKeras3FilesAsKerasDoes(@TempDir Path dir) throws Exception {
    LayerWeights w = new LayerWeights("enc", Fixtures.kernelA(), new int[] {3, 2, 4}, Fixtures.biasA(),
        java.util.Map.of("padding", "same", "activation", "relu", "data_format", "channels_first"));
    float[] k = Fixtures.kernelA();
    double ksum = 0;
    for (float v : k) ksum += v;
    String arrays = String.format("float32 (3, 2, 4) %.6f %.6f", k[0], ksum) + "\n"
        + String.format("float32 (4,) %.6f %.6f", 0.5, 0.5 + 0.25 + 0 - 0.25);
    String tree = "['layers/', 'layers/conv1d/', 'layers/conv1d/vars/', 'layers/conv1d/vars/0 float32 (3, 2, 4)', "
        + "'layers/conv1d/vars/1 float32 (4,)', 'vars/'] {} 0";

    Path weights = dir.resolve("w.weights.h5");
    WeightFiles.write(weights, w);
    assertEquals(tree + "\n" + arrays, py(KERAS3 + "show(h5py.File(sys.argv[1], 'r'), 'layers/conv1d')\n", weights));

    Path keras = dir.resolve("w.keras");
    WeightFiles.write(keras, w);
    String archive = KERAS3
        + "zf = zipfile.ZipFile(sys.argv[1])\n"
        + "print(zf.namelist(), sorted(json.loads(zf.read('metadata.json'))))\n"
        + "cfg = json.loads(zf.read('config.json'))\n"
        + "layers = [l for l in cfg['config']['layers'] if l['class_name'] != 'InputLayer']\n"
        + "c = layers[0]['config']\n"
        + "print(cfg['class_name'], cfg['config']['layers'][0]['config']['batch_shape'], layers[0]['class_name'], "
        + "c['name'], c['filters'], c['kernel_size'], c['padding'], c['data_format'], c['activation'], c['use_bias'])\n"
        + "show(h5py.File(zf.open('model.weights.h5', 'r'), 'r'), 'layers/conv1d')\n"; // as load_model opens it
    assertEquals("['metadata.json', 'config.json', 'model.weights.h5'] ['date_saved', 'keras_version']\n"
        + "Sequential [None, 2, None] Conv1D enc 4 [3] same channels_first relu True\n" + tree + "\n" + arrays,
        py(archive, keras));
  }

  /** The layout jhdf's own writer damages (an empty group after a dataset), as libhdf5 reads it from Hdf5Writer. */
  @Test
  void h5pyReadsEmptyGroupsAfterDatasets(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("groups.h5");
    Hdf5Writer.write(f, root -> {
      root.putGroup("a").putDataset("d", new float[] {1f, 2f});
      root.putGroup("b");
      root.putGroup("c").putGroup("vars").putAttribute("note", "empty");
    });
    assertEquals("['a/', 'a/d float32 (2,)', 'b/', 'c/', 'c/vars/']",
        py(KERAS3 + "print(tree(h5py.File(sys.argv[1], 'r')))\n", f));
  }
}
