package dev.conv1d.jobs.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The committed fixtures under src/test/resources: keras/ and npy/ were written by
 * src/test/resources/keras/make_fixtures.py (h5py + numpy with Keras' exact group and attribute layout, since Keras
 * cannot be installed here). Their values follow that script's formulas, reproduced here.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path resource(String name) {
    try {
      return Paths.get(Fixtures.class.getResource("/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  /** make_fixtures.kernel(k, c, f, scale, offset), flat C order, as float32. */
  public static float[] kernel(int k, int c, int f, double scale, double offset) {
    float[] w = new float[k * c * f];
    for (int i = 0; i < w.length; i++) w[i] = (float) (offset + scale * i);
    return w;
  }

  /** conv1d: (3, 2, 4). */
  public static float[] kernelA() {
    return kernel(3, 2, 4, 0.1, -1.0);
  }

  /** conv1d_1: (2, 4, 3), stored as float64. */
  public static float[] kernelB() {
    return kernel(2, 4, 3, 0.05, 0.25);
  }

  public static float[] biasA() {
    float[] b = new float[4];
    for (int i = 0; i < 4; i++) b[i] = (float) (0.5 - 0.25 * i);
    return b;
  }
}
