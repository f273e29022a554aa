package dev.conv1d.kernels.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.conv.Conv1DKernel;
import dev.conv1d.kernels.conv.Conv1DOp;
import dev.conv1d.kernels.conv.ConvKernels;
import dev.conv1d.kernels.conv.Weights;
import dev.conv1d.kernels.conv.Workspace;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.spec.Padding;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.Close;
import dev.conv1d.kernels.testing.NaiveConv1D;
import dev.conv1d.kernels.testing.RandomCases;
import dev.conv1d.kernels.tf.TfConv1D.DilationPath;
import dev.conv1d.kernels.tf.TfConv1D.GroupPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue "Against TensorFlow itself": every engine this JVM runs must match TensorFlow's conv1d (see
 * {@link TfConv1D}) in all four directions, max abs error &lt;= 1e-4 * max(1, max|TF|) per tensor.
 *
 * <p>Cases: a grid of every padding x (strides 1..3 | dilation 2..4) x layout x grouped/ungrouped, explicit edge
 * cases (kernel longer than the sequence, length 0 and 1, strides longer than the sequence), a few hundred random
 * small layers with ragged batches (some as views starting past offset 0), and wide layers (up to 64 channels and
 * filters, lengths up to 300). Dilated cases go through TensorFlow the way Keras runs them (space-to-batch) and
 * also through Conv2D's own dilations attribute; grouped cases both through TensorFlow's grouped Conv2D and split
 * per group (the two only with oneDNN: TensorFlow's Eigen kernels refuse both). Where TensorFlow's two group paths
 * disagree with each other, its native grouped Conv2D is at fault (seen with oneDNN on AVX-512 Zen 5, one filter
 * per group): the split path is that case's reference and the report lists it. Every mismatch is collected with
 * the naive oracle's verdict, so a failure says which side is wrong.
 */
@Tag("kernel-path")
class TfComparisonTest {
  static final double TOL = 1e-4;
  static final int MAX_REPORTED = 25;

  private static final GroupPath REF_GROUPS = TfConv1D.REFERENCE_GROUPS;
  private static TfConv1D tf;

  @BeforeAll
  static void startTensorFlow() {
    tf = new TfConv1D();
  }

  @AfterAll
  static void stopTensorFlow() {
    if (tf != null) tf.close();
  }

  /** One layer, its data and how to run our side. */
  private record Case(String kind, Conv1DSpec spec, SequenceBatch x, float[] kernel, float[] bias, float[] dzSeed,
      int threads) {}

  /** Worst relative error (max abs error / max(1, max|TF|)) per direction, for one TF path. */
  private static final class Worst {
    final double[] rel = new double[4];
    final String[] where = new String[4];

    void add(int dir, double r, String what) {
      if (r > rel[dir]) {
        rel[dir] = r;
        where[dir] = what;
      }
    }
  }

  private static final String[] DIRS = {"forward", "input grad", "kernel grad", "bias grad"};

  private final List<String> failures = new ArrayList<>();
  private int failureCount;
  private final Worst reference = new Worst();
  private final Worst direct = new Worst();
  private final Worst split = new Worst();
  private int comparisons;
  private int comparisonsOnReference;
  /** Grouped cases where TensorFlow's native grouped Conv2D disagreed with its own split-groups path. */
  private final List<String> nativeFaults = new ArrayList<>();

  @Test
  void everyEngineMatchesTensorFlow() throws IOException {
    long t0 = System.nanoTime();
    List<Case> cases = cases();
    List<Conv1DKernel> engines = ConvKernels.available();
    int dilated = 0, grouped = 0, lengthOne = 0, ragged = 0, wide = 0;
    int emptyGroups = 0, emptyRefused = 0, emptyGarbage = 0;
    Set<String> emptyNotes = new TreeSet<>();
    int tfCalls = 0;
    for (Case c : cases) {
      Conv1DSpec s = c.spec();
      SequenceBatch dz = dzFor(c);
      boolean isDilated = s.dilationRate() > 1, isGrouped = s.groups() > 1;
      // The reference path is Keras': space-to-batch for dilation; groups natively (Keras passes the
      // [K, C/groups, F] kernel to tf.nn.convolution). Each is cross-checked against the other path. Without
      // oneDNN, TensorFlow's CPU kernels refuse grouped gradients and dilated gradients ("not supported on CPU"):
      // then groups are split and the dilations attribute is not tried.
      TfConv1D.Outputs ref = tf.run(s, c.kernel(), c.bias(), c.x(), dz, DilationPath.SPACE_TO_BATCH, REF_GROUPS);
      tfCalls += ref.calls;
      List<TfConv1D.Outputs> alts = new ArrayList<>();
      List<Worst> altWorst = new ArrayList<>();
      List<String> altNames = new ArrayList<>();
      GroupPath dilationGroups = REF_GROUPS;
      if (isGrouped && TfConv1D.ONEDNN) {
        TfConv1D.Outputs splitOut = tf.run(s, c.kernel(), c.bias(), c.x(), dz, DilationPath.SPACE_TO_BATCH,
            GroupPath.SPLIT);
        String fault = nativeGroupedFault(ref, splitOut);
        if (fault == null) {
          alts.add(splitOut);
          altWorst.add(split);
          altNames.add("TF split-groups");
        } else {
          // TensorFlow disagrees with itself: its oneDNN grouped Conv2D is wrong on some CPUs (seen on AVX-512
          // Zen 5 with one filter per group) while splitting the groups agrees with the naive oracle. The split
          // path becomes this case's reference, so every case is still compared with TensorFlow.
          tfCalls += splitOut.calls;
          nativeFaults.add(s + ": " + fault);
          ref = splitOut;
          dilationGroups = GroupPath.SPLIT;
        }
      }
      if (isDilated && TfConv1D.ONEDNN) {
        alts.add(tf.run(s, c.kernel(), c.bias(), c.x(), dz, DilationPath.DIRECT, dilationGroups));
        altWorst.add(direct);
        altNames.add("TF direct-dilation");
      }
      for (TfConv1D.Outputs a : alts) tfCalls += a.calls;
      if (isDilated) dilated++;
      if (isGrouped) grouped++;
      emptyGroups += ref.emptyGroups;
      emptyRefused += ref.refusals.size();
      emptyGarbage += ref.anomalies.size();
      for (String m : ref.refusals) emptyNotes.add("refused: " + m.replaceFirst("^length \\d+: ", "").replaceAll("(?<![A-Za-z])-?\\d+", "#"));
      for (String m : ref.anomalies) emptyNotes.add(m.replaceFirst("^length \\d+: ", "").replaceAll("(?<![A-Za-z])-?\\d+", "#"));
      boolean hasOne = false;
      for (int i = 0; i < c.x().count(); i++) hasOne |= c.x().length(i) == 1;
      if (hasOne) lengthOne++;
      if (distinctLengths(c.x()) > 1) ragged++;
      if (c.kind().startsWith("wide")) wide++;

      for (Conv1DKernel engine : engines) {
        Ours ours = runOurs(c, dz, engine);
        String what = c.kind() + " " + s + " lengths " + lengths(c.x()) + " on " + engine.name() + " (" + c.threads()
            + " thread" + (c.threads() > 1 ? "s" : "") + ")";
        compare(what, c, dz, ours, ref, reference, "TF keras-path");
        for (int a = 0; a < alts.size(); a++) compare(what, c, dz, ours, alts.get(a), altWorst.get(a), altNames.get(a));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    String summary = String.format(Locale.ROOT,
        "TF comparison: %d cases (%d dilated via space-to-batch, %d grouped via %s), "
            + "worst rel error forward=%.2e, input grad=%.2e, kernel grad=%.2e, bias grad=%.2e (engines %s)",
        cases.size(), dilated, grouped, TfConv1D.ONEDNN
            ? "native grouped Conv2D; cross-checked via Conv2D dilations and split groups"
            : "per-group split; oneDNN off, no cross-checks", reference.rel[0], reference.rel[1], reference.rel[2], reference.rel[3],
        engineNames(engines));
    StringBuilder detail = new StringBuilder(summary).append('\n');
    if (TfConv1D.ONEDNN) {
      detail.append(String.format(Locale.ROOT,
          "  cross-checks: dilated cases via Conv2D dilations attribute: worst forward=%.2e, input grad=%.2e, "
              + "kernel grad=%.2e, bias grad=%.2e; grouped cases split per group: worst forward=%.2e, "
              + "input grad=%.2e, kernel grad=%.2e, bias grad=%.2e%n",
          direct.rel[0], direct.rel[1], direct.rel[2], direct.rel[3], split.rel[0], split.rel[1], split.rel[2],
          split.rel[3]));
      if (!nativeFaults.isEmpty()) {
        detail.append(String.format(Locale.ROOT, "  TensorFlow fault: in %d grouped cases TF's native grouped Conv2D "
            + "disagreed with TF's split-groups path beyond %.0e; split groups were the reference there:%n",
            nativeFaults.size(), TOL));
        for (int i = 0; i < Math.min(nativeFaults.size(), 10); i++) {
          detail.append("    ").append(nativeFaults.get(i)).append('\n');
        }
        if (nativeFaults.size() > 10) detail.append("    ... ").append(nativeFaults.size() - 10).append(" more\n");
      }
    } else {
      detail.append("  cross-checks not run: without oneDNN TensorFlow's CPU kernels refuse dilated and grouped "
          + "gradients\n");
    }
    detail.append(String.format(Locale.ROOT,
        "  %d comparisons of 4 tensors; %d cases with ragged batches, %d with a length-1 sequence, "
            + "%d wide (C,F up to 64, L up to 300); %d TensorFlow runs on %d graphs; TensorFlow %s%s; %.1f s%n",
        comparisons, ragged, lengthOne, wide, tfCalls, tf.graphsBuilt(), TfConv1D.tensorflowVersion(),
        " (oneDNN " + TfConv1D.oneDnnReason() + ")", seconds));
    detail.append(String.format(Locale.ROOT,
        "  empty outputs (VALID/causal, input shorter than the receptive field): %d length groups; TensorFlow "
            + "answered %d properly, refused %d (ours checked empty, zero input gradient), returned a non-empty "
            + "forward tensor for %d (forward taken as empty, its gradients checked)%n",
        emptyGroups, emptyGroups - emptyRefused - emptyGarbage, emptyRefused, emptyGarbage));
    for (String note : emptyNotes) detail.append("    ").append(note).append('\n');
    for (int dir = 0; dir < 4; dir++) {
      if (reference.where[dir] != null) detail.append("  worst ").append(DIRS[dir]).append(": ")
          .append(reference.where[dir]).append('\n');
    }
    System.out.print(detail);
    writeReport(detail.toString());

    if (failureCount > 0) {
      fail(failureCount + " comparisons with TensorFlow failed; first " + failures.size() + ":\n"
          + String.join("\n", failures));
    }
    assertTrue(cases.size() >= 300, "only " + cases.size() + " cases");
    assertEquals(cases.size() * engines.size() * 1L, (long) comparisonsOnReference, "every case compared on every engine");
    assertTrue(dilated >= 60 && grouped >= 40 && emptyGroups >= 40 && lengthOne >= 20 && ragged >= 100 && wide >= 20,
        "coverage: " + detail);
  }

  /**
   * The build runs this class twice (with and without the Vector API), so each run writes its own
   * target/tf-comparison-&lt;run&gt;.txt and target/tf-comparison.txt is rebuilt from all of them.
   */
  private static void writeReport(String text) throws IOException {
    Path dir = Paths.get("target");
    Files.createDirectories(dir);
    String run = System.getProperty("conv1d.test.expectedKernel", "local").replaceAll("[^A-Za-z0-9_-]", "_");
    Files.write(dir.resolve("tf-comparison-" + run + ".txt"), text.getBytes(StandardCharsets.UTF_8));
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches("tf-comparison-.+\\.txt"))
          .sorted()::iterator) {
        all.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
      }
    }
    Files.write(dir.resolve("tf-comparison.txt"), all.toString().getBytes(StandardCharsets.UTF_8));
  }

  // ---- our side ----

  private record Ours(SequenceBatch y, SequenceBatch dx, float[] dk, float[] db) {}

  private static Ours runOurs(Case c, SequenceBatch dz, Conv1DKernel engine) {
    Conv1DSpec s = c.spec();
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(c.kernel(), s.kernelSize(), s.groupInChannels(), s.filters(), c.bias()),
        Activations.linear(), engine);
    try (Workspace ws = Workspace.create(c.threads())) {
      SequenceBatch y = op.newOutput(c.x());
      Arrays.fill(y.values(), Float.NaN); // must be fully overwritten
      op.forward(c.x(), y, ws);
      int[] rel = relativeOffsets(c.x());
      SequenceBatch dx = SequenceBatch.allocate(rel, s.inChannels(), s.dataFormat());
      Arrays.fill(dx.values(), Float.NaN);
      op.backwardInput(dz, dx, ws);
      float[] dk = new float[s.kernelLength()];
      float[] db = s.useBias() ? new float[s.filters()] : null;
      op.backwardKernel(c.x(), dz, dk, db, ws);
      return new Ours(y, dx, dk, db);
    }
  }

  private static SequenceBatch dzFor(Case c) {
    Conv1DSpec s = c.spec();
    int[] offs = s.outputOffsets(relativeOffsets(c.x()));
    SequenceBatch dz = SequenceBatch.allocate(offs, s.filters(), s.dataFormat());
    RandomCases.fill(new SplittableRandom(Arrays.hashCode(c.dzSeed())), dz.values());
    return dz;
  }

  private static int[] relativeOffsets(SequenceBatch x) {
    int[] rel = new int[x.count() + 1];
    for (int i = 0; i <= x.count(); i++) rel[i] = x.offsets()[i] - x.offsets()[0];
    return rel;
  }

  // ---- comparison ----

  private void compare(String what, Case c, SequenceBatch dz, Ours ours, TfConv1D.Outputs tfOut, Worst worst,
      String path) {
    Conv1DSpec s = c.spec();
    if (worst == reference) comparisonsOnReference++;
    comparisons++;
    String at = what + " vs " + path + (tfOut.refusals.isEmpty() ? "" : " (TF refused " + tfOut.refusals + ")");
    check(0, at, worst, () -> Close.check("forward", ours.y(), tfOut.output, TOL), maxAbs(tfOut.output), () -> {
      SequenceBatch naive = NaiveConv1D.preActivation(s, c.kernel(), c.bias(), c.x());
      return "naive vs ours " + err(naive, ours.y()) + ", naive vs TF " + err(naive, tfOut.output);
    });
    check(1, at, worst, () -> Close.check("input grad", ours.dx(), tfOut.inputGrad, TOL), maxAbs(tfOut.inputGrad),
        () -> {
          SequenceBatch naive = NaiveConv1D.inputGradient(s, c.kernel(), dz, c.x());
          return "naive vs ours " + err(naive, ours.dx()) + ", naive vs TF " + err(naive, tfOut.inputGrad);
        });
    check(2, at, worst, () -> Close.check("kernel grad", ours.dk(), 0, tfOut.kernelGrad, TOL),
        Close.maxAbs(tfOut.kernelGrad), () -> {
          double[] naive = NaiveConv1D.kernelGradient(s, c.x(), dz);
          return "naive vs ours " + err(naive, ours.dk()) + ", naive vs TF " + err(naive, tfOut.kernelGrad);
        });
    if (s.useBias()) {
      check(3, at, worst, () -> Close.check("bias grad", ours.db(), 0, tfOut.biasGrad, TOL),
          Close.maxAbs(tfOut.biasGrad), () -> {
            double[] naive = NaiveConv1D.biasGradient(s, dz);
            return "naive vs ours " + err(naive, ours.db()) + ", naive vs TF " + err(naive, tfOut.biasGrad);
          });
    } else if (tfOut.biasGrad != null || ours.db() != null) {
      record(at + ": bias gradient present without bias");
    }
  }

  private interface Check {
    double run();
  }

  private interface Diagnosis {
    String get();
  }

  private void check(int dir, String at, Worst worst, Check check, double tfMax, Diagnosis diagnosis) {
    try {
      double err = check.run();
      worst.add(dir, err / Math.max(1.0, tfMax), at);
    } catch (AssertionError e) {
      String why;
      try {
        why = diagnosis.get();
      } catch (RuntimeException d) {
        why = "naive oracle failed: " + d;
      }
      record(at + ": " + e.getMessage() + " [" + why + "]");
      worst.add(dir, Double.POSITIVE_INFINITY, at);
    }
  }

  /**
   * Null when TensorFlow's two group paths agree within the tolerance, else the directions that disagree: then
   * one of TensorFlow's own kernels is wrong and the test cannot blame ours.
   */
  private static String nativeGroupedFault(TfConv1D.Outputs nat, TfConv1D.Outputs split) {
    List<String> bad = new ArrayList<>();
    if (!agrees(() -> Close.check("forward", nat.output, split.output, TOL))) bad.add("forward");
    if (!agrees(() -> Close.check("input grad", nat.inputGrad, split.inputGrad, TOL))) bad.add("input grad");
    if (!agrees(() -> Close.check("kernel grad", toFloat(nat.kernelGrad), 0, split.kernelGrad, TOL))) {
      bad.add("kernel grad");
    }
    if (split.biasGrad != null
        && !agrees(() -> Close.check("bias grad", toFloat(nat.biasGrad), 0, split.biasGrad, TOL))) {
      bad.add("bias grad");
    }
    return bad.isEmpty() ? null : String.join(", ", bad);
  }

  private static boolean agrees(Check check) {
    try {
      check.run();
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  private void record(String msg) {
    failureCount++;
    if (failures.size() < MAX_REPORTED) failures.add(msg);
  }

  private static double maxAbs(SequenceBatch b) {
    double m = 0;
    int n = b.totalSteps() * b.channels();
    for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(b.values()[b.start(0) + i]));
    return m;
  }

  /** Max abs difference, or a note when the shapes differ. */
  private static String err(SequenceBatch a, SequenceBatch b) {
    if (a.count() != b.count()) return "count " + a.count() + " vs " + b.count();
    for (int i = 0; i < a.count(); i++) {
      if (a.length(i) != b.length(i)) return "length of sequence " + i + ": " + a.length(i) + " vs " + b.length(i);
    }
    double m = 0;
    int n = a.totalSteps() * a.channels();
    for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a.values()[a.start(0) + i] - b.values()[b.start(0) + i]));
    return String.format(Locale.ROOT, "%.3e", m);
  }

  private static String err(double[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return String.format(Locale.ROOT, "%.3e", m);
  }

  private static String err(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return String.format(Locale.ROOT, "%.3e", m);
  }

  // ---- cases ----

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(0x7F_C0_7D_1DL);
    int[][] stridesDilation = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {1, 3}, {1, 4}};
    // Grid: every padding x strides/dilation x layout x grouped or not.
    for (Padding p : Padding.values()) {
      for (int[] sd : stridesDilation) {
        for (DataFormat fmt : DataFormat.values()) {
          for (int grouped = 0; grouped < 2; grouped++) {
            int groups = grouped == 0 ? 1 : 2 + r.nextInt(2);
            Conv1DSpec s = Conv1DSpec.builder().inChannels((1 + r.nextInt(5)) * groups)
                .filters((1 + r.nextInt(6)) * groups).groups(groups).kernelSize(1 + r.nextInt(5))
                .strides(sd[0]).dilationRate(sd[1]).padding(p).dataFormat(fmt).useBias(cases.size() % 2 == 0)
                .build();
            cases.add(newCase(r, "grid", s, RandomCases.batch(r, s, 1 + r.nextInt(4), 24)));
          }
        }
      }
    }
    // Edge cases: kernel longer than the sequence, length 0 and 1, strides longer than the sequence.
    for (Padding p : Padding.values()) {
      for (DataFormat fmt : DataFormat.values()) {
        Conv1DSpec.Builder b = Conv1DSpec.builder().inChannels(3).filters(4).padding(p).dataFormat(fmt);
        Conv1DSpec longKernel = b.kernelSize(7).strides(1).dilationRate(1).build();
        cases.add(newCase(r, "edge kernel>length", longKernel, RandomCases.batch(r, longKernel, 3, 6, 7, 8, 1)));
        Conv1DSpec longDilated = b.kernelSize(3).strides(1).dilationRate(4).build();
        cases.add(newCase(r, "edge dilated kernel>length", longDilated, RandomCases.batch(r, longDilated, 2, 8, 9, 1)));
        Conv1DSpec one = b.kernelSize(3).strides(1).dilationRate(1).build();
        cases.add(newCase(r, "edge length 1", one, RandomCases.batch(r, one, 1)));
        cases.add(newCase(r, "edge length 0", one, RandomCases.batch(r, one, 0, 4, 0)));
        Conv1DSpec strided = b.kernelSize(2).strides(3).dilationRate(1).build();
        cases.add(newCase(r, "edge strides>length", strided, RandomCases.batch(r, strided, 1, 2, 3, 4)));
        Conv1DSpec pointwise = b.kernelSize(1).strides(2).dilationRate(1).groups(1).build();
        cases.add(newCase(r, "edge kernel 1", pointwise, RandomCases.batch(r, pointwise, 1, 5)));
      }
    }
    // Random small layers, ragged batches; every fifth batch a view that starts past offset 0.
    for (int n = 0; n < 300; n++) {
      Conv1DSpec s = RandomCases.spec(r, 6, 8, 7, 3, 4, 4);
      SequenceBatch x = RandomCases.batch(r, s, 1 + r.nextInt(4), 40);
      if (n % 5 == 4) x = shifted(r, x);
      cases.add(newCase(r, "random", s, x));
    }
    // Wide layers.
    for (int n = 0; n < 40; n++) {
      int groups = n % 4 == 3 ? 2 + 2 * r.nextInt(2) : 1;
      int maxC = 64 / groups;
      Conv1DSpec base = RandomCases.spec(r, 1, 1, 9, 3, 4, 1);
      Conv1DSpec s = base.toBuilder().groups(groups).inChannels((1 + r.nextInt(maxC)) * groups)
          .filters((1 + r.nextInt(maxC)) * groups).build();
      int count = 1 + r.nextInt(3);
      int[] lens = new int[count];
      for (int i = 0; i < count; i++) lens[i] = 1 + r.nextInt(300);
      cases.add(newCase(r, "wide", s, RandomCases.batch(r, s, lens)));
    }
    return cases;
  }

  private static Case newCase(SplittableRandom r, String kind, Conv1DSpec s, SequenceBatch x) {
    float[] kernel = RandomCases.floats(r, s.kernelLength());
    float[] bias = s.useBias() ? RandomCases.floats(r, s.filters()) : null;
    return new Case(kind, s, x, kernel, bias, new float[] {r.nextInt()}, 1 + r.nextInt(2));
  }

  /** The same sequences in a bigger array, starting past offset 0, with NaN before (never to be read). */
  private static SequenceBatch shifted(SplittableRandom r, SequenceBatch x) {
    int shift = 1 + r.nextInt(5);
    int c = x.channels();
    int n = x.totalSteps() * c;
    float[] v = new float[(shift + x.totalSteps()) * c + 7];
    Arrays.fill(v, Float.NaN);
    System.arraycopy(x.values(), x.start(0), v, shift * c, n);
    int[] offs = new int[x.count() + 2];
    for (int i = 0; i <= x.count(); i++) offs[i] = x.offsets()[i] - x.offsets()[0] + shift;
    offs[x.count() + 1] = offs[x.count()]; // extra trailing entry: count is explicit
    return SequenceBatch.of(v, offs, x.count(), c, x.layout());
  }

  private static int distinctLengths(SequenceBatch x) {
    return (int) IntStream.range(0, x.count()).map(x::length).distinct().count();
  }

  private static String lengths(SequenceBatch x) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < x.count(); i++) b.append(i == 0 ? "" : ",").append(x.length(i));
    return b.append("]").toString();
  }

  private static String engineNames(List<Conv1DKernel> engines) {
    List<String> names = new ArrayList<>();
    for (Conv1DKernel k : engines) names.add(k.name());
    return names.toString();
  }
}
