package dev.conv1d.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.jobs.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** .npy/.npz against files NumPy wrote (committed fixtures from make_fixtures.py) and round trips. */
class NpyTest {
  private static NpyArray read(String res) throws IOException {
    try (InputStream in = Files.newInputStream(Fixtures.resource(res))) {
      return Npy.read(in, res);
    }
  }

  @Test
  void readsNumpySavedFloat32() throws IOException {
    NpyArray a = read("npy/kernel.npy");
    assertArrayEquals(new int[] {3, 2, 4}, a.shape());
    assertEquals(NpyArray.DType.FLOAT32, a.dtype());
    assertArrayEquals(Fixtures.kernelA(), a.toFloats());
  }

  @Test
  void readsBigEndianFloat64AndVersion2() throws IOException {
    NpyArray a = read("npy/kernel_f64_big_endian.npy");
    assertEquals(NpyArray.DType.FLOAT64, a.dtype());
    assertArrayEquals(Fixtures.kernelA(), a.toFloats());
    NpyArray v2 = read("npy/kernel_v2.npy");
    assertArrayEquals(new int[] {3, 2, 4}, v2.shape());
    assertArrayEquals(Fixtures.kernelA(), v2.toFloats());
  }

  @Test
  void readsScalar() throws IOException {
    NpyArray a = read("npy/scalar.npy");
    assertEquals(0, a.rank());
    assertArrayEquals(new float[] {2.5f}, a.toFloats());
  }

  @Test
  void readsNpzFromSavezAndSavezCompressed() throws IOException {
    Map<String, NpyArray> m;
    try (InputStream in = Files.newInputStream(Fixtures.resource("npy/weights.npz"))) {
      m = Npy.readNpz(in, "weights.npz");
    }
    assertEquals(java.util.List.of("kernel", "bias"), new java.util.ArrayList<>(m.keySet()));
    assertArrayEquals(Fixtures.kernelA(), m.get("kernel").toFloats());
    assertArrayEquals(Fixtures.biasA(), m.get("bias").toFloats());
    try (InputStream in = Files.newInputStream(Fixtures.resource("npy/weights_compressed.npz"))) {
      m = Npy.readNpz(in, "weights_compressed.npz");
    }
    assertArrayEquals(new int[] {2, 4, 3}, m.get("w").shape());
    assertArrayEquals(Fixtures.kernelB(), m.get("w").toFloats());
  }

  @Test
  void rejectsOtherDtypesFortranOrderAndGarbage() {
    IOException e = assertThrows(IOException.class, () -> read("npy/int32.npy"));
    assertTrue(e.getMessage().contains("unsupported dtype '<i4'"), e.getMessage());
    e = assertThrows(IOException.class, () -> read("npy/fortran.npy"));
    assertTrue(e.getMessage().contains("Fortran-order"), e.getMessage());
    e = assertThrows(IOException.class,
        () -> Npy.read(new ByteArrayInputStream("hello world".getBytes(StandardCharsets.US_ASCII)), "x.npy"));
    assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
    byte[] full = Npy.toBytes(NpyArray.ofFloats(new int[] {4}, new float[] {1, 2, 3, 4}));
    e = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(Arrays.copyOf(full, full.length - 3)),
        "cut.npy"));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    e = assertThrows(IOException.class, () -> Npy.readNpz(new ByteArrayInputStream(full), "a.npz"));
    assertTrue(e.getMessage().contains("not an .npz"), e.getMessage());
  }

  @Test
  void roundTripsShapesAndDtypes() throws IOException {
    Random r = new Random(7);
    for (int[] shape : new int[][] {{}, {0}, {1}, {5}, {3, 2, 4}, {2, 0, 3}, {7, 1, 9, 2}}) {
      int n = (int) NpyArray.size(shape);
      float[] f = new float[n];
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        f[i] = (float) r.nextGaussian();
        d[i] = r.nextGaussian();
      }
      byte[] fb = Npy.toBytes(NpyArray.ofFloats(shape, f));
      assertEquals(0, (fb.length - 4L * n) % 64, "header padded to 64 bytes");
      NpyArray fa = Npy.read(new ByteArrayInputStream(fb), "f");
      assertArrayEquals(shape, fa.shape());
      assertArrayEquals(f, fa.toFloats());
      NpyArray da = Npy.read(new ByteArrayInputStream(Npy.toBytes(NpyArray.ofDoubles(shape, d))), "d");
      assertEquals(NpyArray.DType.FLOAT64, da.dtype());
      assertArrayEquals(d, da.toDoubles());
    }
  }

  @Test
  void npzRoundTrip() throws IOException {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("kernel", NpyArray.ofFloats(new int[] {3, 2, 4}, Fixtures.kernelA()));
    m.put("bias", NpyArray.ofFloats(new int[] {4}, Fixtures.biasA()));
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    Npy.writeNpz(bos, m);
    Map<String, NpyArray> back = Npy.readNpz(new ByteArrayInputStream(bos.toByteArray()), "rt.npz");
    assertArrayEquals(Fixtures.kernelA(), back.get("kernel").toFloats());
    assertArrayEquals(Fixtures.biasA(), back.get("bias").toFloats());
  }

  @Test
  void writesTheBytesNumpyWrites() throws IOException {
    byte[] ours = Npy.toBytes(NpyArray.ofFloats(new int[] {3, 2, 4}, Fixtures.kernelA()));
    assertArrayEquals(Files.readAllBytes(Fixtures.resource("npy/kernel.npy")), ours, "np.save of the same array");
    byte[] b = Npy.toBytes(NpyArray.ofFloats(new int[] {5}, new float[5]));
    int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
    String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header);
    assertTrue(header.endsWith("\n"));
    assertEquals(0, (10 + len) % 64);
    assertEquals(1, b[6]);
  }

  @Test
  void writtenFilesReadBackFromDisk(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path p = dir.resolve("k.npy");
    try (var out = Files.newOutputStream(p)) {
      Npy.write(out, NpyArray.ofFloats(new int[] {3, 2, 4}, Fixtures.kernelA()));
    }
    try (InputStream in = Files.newInputStream(p)) {
      assertArrayEquals(Fixtures.kernelA(), Npy.read(in, "k.npy").toFloats());
    }
  }
}
