package dev.conv1d.jobs.io;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import java.util.LinkedHashMap;

/**
 * NumPy's {@code .npy} format (versions 1.0, 2.0 and 3.0) and {@code .npz} archives, for float32 and float64 in C
 * order, little- or big-endian on read and little-endian on write: what {@code np.save} and {@code np.savez} write
 * for weights. Anything else (other dtypes, Fortran order, pickled objects) fails with a message saying what was
 * found. See numpy/lib/format.py for the format.
 *
 * <p>Hand-written rather than a dependency: on Maven Central, org.openlca:npy (0.0.x, pure Java) calls itself
 * under-tested, and org.jetbrains.bio:npy brings a Kotlin 1.4 runtime into a jar that ships to Spark executors; the
 * two dtypes needed here fit in this class, whose output is byte-identical to {@code np.save} (see NpyTest).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern DESCR_ANY = Pattern.compile("'descr'\\s*:\\s*([^,]*)");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads one array; {@code what} names the source in error messages. */
  public static NpyArray read(InputStream in, String what) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] magic = new byte[6];
    try {
      d.readFully(magic);
    } catch (EOFException e) {
      throw new NpyFormatException(what + ": not a .npy file (shorter than its magic string)");
    }
    for (int i = 0; i < 6; i++) {
      if (magic[i] != MAGIC[i]) throw new NpyFormatException(what + ": not a .npy file (no \\x93NUMPY magic)");
    }
    int major = d.readUnsignedByte();
    d.readUnsignedByte();
    long headerLen;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(Short.reverseBytes(d.readShort()));
    } else if (major == 2 || major == 3) {
      headerLen = Integer.toUnsignedLong(Integer.reverseBytes(d.readInt()));
    } else {
      throw new NpyFormatException(what + ": unsupported .npy format version " + major);
    }
    if (headerLen > 1 << 20) throw new NpyFormatException(what + ": .npy header of " + headerLen + " bytes");
    byte[] hb = new byte[(int) headerLen];
    d.readFully(hb);
    String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

    Matcher m = DESCR.matcher(header);
    if (!m.find()) {
      Matcher any = DESCR_ANY.matcher(header);
      throw new NpyFormatException(what + ": unsupported dtype " + (any.find() ? any.group(1).trim() : "(none)")
          + ": only float32 and float64 arrays are supported");
    }
    String descr = m.group(1);
    Matcher f = FORTRAN.matcher(header);
    if (!f.find()) throw new NpyFormatException(what + ": .npy header has no fortran_order: " + header.trim());
    if (f.group(1).equals("True")) {
      throw new NpyFormatException(what + ": Fortran-order arrays are not supported (save with C order)");
    }
    Matcher s = SHAPE.matcher(header);
    if (!s.find()) throw new NpyFormatException(what + ": .npy header has no shape: " + header.trim());
    int[] shape = parseShape(s.group(1), what);

    ByteOrder order;
    int width;
    switch (descr) {
      case "<f4": case "=f4": order = ByteOrder.LITTLE_ENDIAN; width = 4; break;
      case ">f4": order = ByteOrder.BIG_ENDIAN; width = 4; break;
      case "<f8": case "=f8": order = ByteOrder.LITTLE_ENDIAN; width = 8; break;
      case ">f8": order = ByteOrder.BIG_ENDIAN; width = 8; break;
      default:
        throw new NpyFormatException(what + ": unsupported dtype '" + descr
            + "': only float32 ('<f4') and float64 ('<f8') arrays are supported");
    }
    long n = NpyArray.size(shape);
    if (n * width > Integer.MAX_VALUE - 8) {
      throw new NpyFormatException(what + ": array of " + n + " values is too large");
    }
    byte[] data = new byte[(int) (n * width)];
    try {
      d.readFully(data);
    } catch (EOFException e) {
      throw new NpyFormatException(what + ": truncated: shape " + NpyArray.shapeString(shape) + " needs "
          + data.length + " data bytes");
    }
    ByteBuffer bb = ByteBuffer.wrap(data).order(order);
    if (width == 4) {
      float[] v = new float[(int) n];
      bb.asFloatBuffer().get(v);
      return NpyArray.ofFloats(shape, v);
    }
    double[] v = new double[(int) n];
    bb.asDoubleBuffer().get(v);
    return NpyArray.ofDoubles(shape, v);
  }

  private static int[] parseShape(String s, String what) throws NpyFormatException {
    List<Integer> dims = new ArrayList<>();
    for (String part : s.split(",")) {
      String t = part.trim();
      if (t.isEmpty()) continue;
      if (t.endsWith("L")) t = t.substring(0, t.length() - 1); // Python 2 longs
      try {
        dims.add(Integer.parseInt(t));
      } catch (NumberFormatException e) {
        throw new NpyFormatException(what + ": bad shape (" + s + ")");
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Writes one array as .npy version 1.0 (2.0 when the header does not fit), little-endian, C order. */
  public static void write(OutputStream out, NpyArray a) throws IOException {
    String dict = "{'descr': '" + a.dtype().descr() + "', 'fortran_order': False, 'shape': "
        + NpyArray.shapeString(a.shape()) + ", }";
    int major = 1;
    int prefix = MAGIC.length + 2 + 2;
    int total = prefix + dict.length() + 1;
    int pad = (ALIGN - total % ALIGN) % ALIGN;
    if (dict.length() + 1 + pad > 0xFFFF) {
      major = 2;
      prefix = MAGIC.length + 2 + 4;
      total = prefix + dict.length() + 1;
      pad = (ALIGN - total % ALIGN) % ALIGN;
    }
    String header = dict + " ".repeat(pad) + "\n";
    byte[] hb = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer pre = ByteBuffer.allocate(prefix).order(ByteOrder.LITTLE_ENDIAN);
    pre.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) pre.putShort((short) hb.length);
    else pre.putInt(hb.length);
    out.write(pre.array());
    out.write(hb);
    int n = a.size();
    ByteBuffer bb = ByteBuffer.allocate(n * a.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (a.dtype() == NpyArray.DType.FLOAT32) bb.asFloatBuffer().put(a.floatsView());
    else bb.asDoubleBuffer().put(a.doublesView());
    out.write(bb.array());
  }

  /** Writes one array to a byte array. */
  public static byte[] toBytes(NpyArray a) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try {
      write(bos, a);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bos.toByteArray();
  }

  /**
   * Reads every array of an {@code .npz} archive ({@code np.savez} or {@code np.savez_compressed}), by name
   * without the {@code .npy} suffix, in archive order.
   */
  public static Map<String, NpyArray> readNpz(InputStream in, String what) throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    ZipInputStream zip = new ZipInputStream(in);
    ZipEntry e;
    boolean any = false;
    while ((e = zip.getNextEntry()) != null) {
      any = true;
      if (e.isDirectory()) continue;
      String name = e.getName();
      if (!name.endsWith(".npy")) {
        throw new NpyFormatException(what + ": entry '" + name + "' is not a .npy array");
      }
      String key = name.substring(0, name.length() - 4);
      arrays.put(key, read(zip, what + "[" + key + "]"));
    }
    if (!any) throw new NpyFormatException(what + ": not an .npz archive (no zip entries)");
    return arrays;
  }

  /** Writes arrays as an {@code .npz} archive that {@code np.load} reads (deflated entries, like savez_compressed). */
  public static void writeNpz(OutputStream out, Map<String, NpyArray> arrays) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, NpyArray> en : arrays.entrySet()) {
      zip.putNextEntry(new ZipEntry(en.getKey() + ".npy"));
      write(zip, en.getValue());
      zip.closeEntry();
    }
    zip.finish();
  }

  /** A malformed or unsupported .npy/.npz input; the message names the file and what was found. */
  public static final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
      super(message);
    }
  }
}
