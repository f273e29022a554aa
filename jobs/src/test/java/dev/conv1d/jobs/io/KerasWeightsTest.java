package dev.conv1d.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.jobs.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads Keras weight files. The fixtures are committed files written by src/test/resources/keras/make_fixtures.py
 * with h5py, in the group/attribute layout of Keras' legacy_h5_format.py (Keras 2 save_weights and model.save h5)
 * and saving_lib.py (Keras 3 .weights.h5 and .keras): Keras itself cannot be installed here.
 */
class KerasWeightsTest {
  @Test
  void keras2SaveWeightsByLayerName() throws IOException {
    Path f = Fixtures.resource("keras/keras2_weights.h5");
    assertEquals(List.of("conv1d", "conv1d_1"), KerasWeights.layers(f), "dense (2-D kernel) is not a conv1d");
    LayerWeights a = KerasWeights.read(f, "conv1d");
    assertArrayEquals(new int[] {3, 2, 4}, a.kernelShape());
    assertArrayEquals(Fixtures.kernelA(), a.kernel());
    assertArrayEquals(Fixtures.biasA(), a.bias());
    LayerWeights b = KerasWeights.read(f, "conv1d_1");
    assertArrayEquals(new int[] {2, 4, 3}, b.kernelShape());
    assertArrayEquals(Fixtures.kernelB(), b.kernel(), "float64 weights read as float32");
    assertNull(b.bias());
  }

  @Test
  void keras2FullModelH5() throws IOException {
    LayerWeights a = KerasWeights.read(Fixtures.resource("keras/keras2_model.h5"), null);
    assertEquals("conv1d", a.name());
    assertArrayEquals(Fixtures.kernelA(), a.kernel());
    assertArrayEquals(Fixtures.biasA(), a.bias());
  }

  @Test
  void keras3WeightsH5ByPath() throws IOException {
    Path f = Fixtures.resource("keras/keras3.weights.h5");
    assertEquals(List.of("conv1d", "conv1d_1"), KerasWeights.layers(f));
    LayerWeights a = KerasWeights.read(f, "conv1d");
    assertArrayEquals(Fixtures.kernelA(), a.kernel());
    assertArrayEquals(Fixtures.biasA(), a.bias());
    assertNull(KerasWeights.read(f, "conv1d_1").bias());
  }

  @Test
  void kerasArchiveByLayerNameWithConfig() throws IOException {
    Path f = Fixtures.resource("keras/keras3_model.keras");
    assertEquals(List.of("encoder", "head"), KerasWeights.layers(f));
    LayerWeights enc = KerasWeights.read(f, "encoder");
    assertEquals("encoder", enc.name());
    assertArrayEquals(Fixtures.kernelA(), enc.kernel());
    assertArrayEquals(Fixtures.biasA(), enc.bias());
    assertEquals("same", enc.config().get("padding"));
    assertEquals("relu", enc.config().get("activation"));
    LayerWeights head = KerasWeights.read(f, "head");
    assertArrayEquals(Fixtures.kernelB(), head.kernel());
    assertNull(head.bias());
    assertEquals("causal", head.config().get("padding"));
    assertEquals(2, head.config().get("dilation_rate"));
    assertEquals(false, head.config().get("use_bias"));
    // the store path works too
    assertEquals("head", KerasWeights.read(f, "conv1d_1").name());
  }

  @Test
  void clearErrors(@TempDir Path dir) throws IOException {
    IOException e = assertThrows(IOException.class,
        () -> KerasWeights.read(Fixtures.resource("keras/keras2_weights.h5"), null));
    assertTrue(e.getMessage().contains("2 conv1d layers [conv1d, conv1d_1]: choose one with --layer"), e.getMessage());
    e = assertThrows(IOException.class, () -> KerasWeights.read(Fixtures.resource("keras/keras2_weights.h5"), "dense"));
    assertTrue(e.getMessage().contains("no conv1d layer 'dense'"), e.getMessage());
    Path junk = dir.resolve("junk.h5");
    Files.writeString(junk, "not hdf5 at all");
    e = assertThrows(IOException.class, () -> KerasWeights.read(junk, null));
    assertTrue(e.getMessage().contains("not a readable HDF5 file"), e.getMessage());
    Path notZip = dir.resolve("m.keras");
    Files.writeString(notZip, "nope");
    e = assertThrows(IOException.class, () -> KerasWeights.read(notZip, null));
    assertTrue(e.getMessage().contains("not a .keras archive"), e.getMessage());
  }

  @Test
  void legacyH5RoundTrip(@TempDir Path dir) throws IOException {
    LayerWeights w = new LayerWeights("enc", Fixtures.kernelA(), new int[] {3, 2, 4}, Fixtures.biasA(), null);
    Path f = dir.resolve("out.h5");
    KerasWeights.writeLegacyH5(f, w);
    LayerWeights back = KerasWeights.read(f, "enc");
    assertArrayEquals(w.kernel(), back.kernel());
    assertArrayEquals(w.bias(), back.bias());
    LayerWeights noBias = new LayerWeights("c", Fixtures.kernelB(), new int[] {2, 4, 3}, null, null);
    KerasWeights.writeLegacyH5(f, noBias);
    assertNull(KerasWeights.read(f, null).bias());
  }

  @Test
  void snakeCaseAsKeras() {
    assertEquals("conv1d", KerasWeights.snakeCase("Conv1D"));
    assertEquals("depthwise_conv1d", KerasWeights.snakeCase("DepthwiseConv1D"));
    assertEquals("input_layer", KerasWeights.snakeCase("InputLayer"));
  }
}
