package dev.conv1d.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Conv1D weights from and to files, by extension: {@code .npy}, {@code .npz}, Keras {@code .h5}, {@code .keras}. */
public final class WeightFiles {
  private WeightFiles() {}

  public enum Kind { NPY, NPZ, KERAS_H5, KERAS_WEIGHTS_H5, KERAS }

  public static Kind kind(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".npy")) return Kind.NPY;
    if (n.endsWith(".npz")) return Kind.NPZ;
    if (n.endsWith(".weights.h5")) return Kind.KERAS_WEIGHTS_H5;
    if (n.endsWith(".h5") || n.endsWith(".hdf5")) return Kind.KERAS_H5;
    if (n.endsWith(".keras")) return Kind.KERAS;
    throw new IllegalArgumentException(file + ": unknown weights file type (expected .npy, .npz, .h5, "
        + ".weights.h5 or .keras)");
  }

  /** Where the bias goes beside a kernel {@code .npy}: {@code w.npy} gives {@code w_bias.npy}. */
  public static Path biasSibling(Path npy) {
    String n = npy.getFileName().toString();
    return npy.resolveSibling(n.substring(0, n.length() - 4) + "_bias.npy");
  }

  /**
   * Reads one conv1d layer. {@code layer} picks a layer in Keras files (null: the only one); {@code kernelKey} and
   * {@code biasKey} pick arrays in an {@code .npz} (defaults {@code kernel}, {@code bias}); {@code biasFile} is a
   * bias {@code .npy} for a kernel {@code .npy} (default: its {@code _bias.npy} sibling when present).
   */
  public static LayerWeights read(Path file, String layer, String kernelKey, String biasKey, Path biasFile)
      throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such weights file");
    String name = layer == null ? "conv1d" : layer;
    switch (kind(file)) {
      case NPY: {
        NpyArray k = readNpy(file);
        Path b = biasFile != null ? biasFile : biasSibling(file);
        if (biasFile != null && !Files.isRegularFile(biasFile)) {
          throw new NoSuchFileException(biasFile.toString(), null, "no such bias file");
        }
        float[] bias = Files.isRegularFile(b) ? vector(readNpy(b), b.toString()) : null;
        return new LayerWeights(name, kernel(k, file.toString()), k.shape(), bias, null);
      }
      case NPZ: {
        Map<String, NpyArray> all;
        try (InputStream in = Files.newInputStream(file)) {
          all = Npy.readNpz(in, file.toString());
        }
        String kk = kernelKey;
        if (kk == null) {
          if (all.containsKey("kernel")) kk = "kernel";
          else {
            List<String> threeD = new ArrayList<>();
            for (Map.Entry<String, NpyArray> e : all.entrySet()) if (e.getValue().rank() == 3) threeD.add(e.getKey());
            if (threeD.size() != 1) {
              throw new IOException(file + ": no array named 'kernel' and " + threeD.size()
                  + " 3-D arrays " + threeD + ": name the kernel with --kernel-key (arrays: " + all.keySet() + ")");
            }
            kk = threeD.get(0);
          }
        }
        NpyArray k = all.get(kk);
        if (k == null) throw new IOException(file + ": no array '" + kk + "' (arrays: " + all.keySet() + ")");
        String bk = biasKey != null ? biasKey : "bias";
        NpyArray b = all.get(bk);
        if (b == null && biasKey != null) {
          throw new IOException(file + ": no array '" + bk + "' (arrays: " + all.keySet() + ")");
        }
        return new LayerWeights(name, kernel(k, file + "[" + kk + "]"), k.shape(),
            b == null ? null : vector(b, file + "[" + bk + "]"), null);
      }
      default:
        return KerasWeights.read(file, layer);
    }
  }

  private static NpyArray readNpy(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return Npy.read(in, p.toString());
    }
  }

  private static float[] kernel(NpyArray a, String what) throws IOException {
    if (a.rank() != 3) {
      throw new IOException(what + ": a conv1d kernel has shape (kernel_size, in_channels, filters), got "
          + NpyArray.shapeString(a.shape()));
    }
    return a.toFloats();
  }

  private static float[] vector(NpyArray a, String what) throws IOException {
    if (a.rank() != 1) {
      throw new IOException(what + ": a bias has shape (filters,), got " + NpyArray.shapeString(a.shape()));
    }
    return a.toFloats();
  }

  /** Writes a layer's weights; returns the files written. */
  public static List<Path> write(Path file, LayerWeights w) throws IOException {
    List<Path> written = new ArrayList<>();
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    switch (kind(file)) {
      case NPY:
        try (OutputStream out = Files.newOutputStream(file)) {
          Npy.write(out, NpyArray.ofFloats(w.kernelShape(), w.kernel()));
        }
        written.add(file);
        if (w.bias() != null) {
          Path b = biasSibling(file);
          try (OutputStream out = Files.newOutputStream(b)) {
            Npy.write(out, NpyArray.ofFloats(new int[] {w.bias().length}, w.bias()));
          }
          written.add(b);
        }
        return written;
      case NPZ:
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("kernel", NpyArray.ofFloats(w.kernelShape(), w.kernel()));
        if (w.bias() != null) arrays.put("bias", NpyArray.ofFloats(new int[] {w.bias().length}, w.bias()));
        try (OutputStream out = Files.newOutputStream(file)) {
          Npy.writeNpz(out, arrays);
        }
        written.add(file);
        return written;
      case KERAS_H5:
        KerasWeights.writeLegacyH5(file, w);
        break;
      case KERAS_WEIGHTS_H5:
        Keras3Writer.writeWeightsH5(file, w);
        break;
      case KERAS:
        Keras3Writer.writeKeras(file, w);
        break;
      default:
        throw new IllegalStateException("unreachable: " + file);
    }
    written.add(file);
    return written;
  }
}
