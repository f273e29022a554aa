package dev.conv1d.kernels.conv;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the conv1d engine once per JVM, as Lucene's VectorizationProvider does: the Panama (Vector API) engine
 * when {@code jdk.incubator.vector} is readable, otherwise the scalar one. The system property
 * {@code conv1d.kernel} ({@code auto}, {@code scalar}, {@code panama}) overrides the choice; the reason is logged.
 */
public final class ConvKernels {
  private static final String PANAMA_CLASS = "dev.conv1d.kernels.conv.PanamaConv1DKernel";
  private static final Conv1DKernel PANAMA;
  private static final String PANAMA_ABSENCE;
  private static final Conv1DKernel BEST;
  private static final String REASON;

  static {
    Conv1DKernel panama = null;
    String absence = null;
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      absence = "module jdk.incubator.vector is not readable (start the JVM with --add-modules jdk.incubator.vector)";
    } else {
      try {
        panama = (Conv1DKernel) Class.forName(PANAMA_CLASS).getDeclaredField("INSTANCE").get(null);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        absence = "the Vector API engine failed to load: " + e;
      }
    }
    PANAMA = panama;
    PANAMA_ABSENCE = absence;
    String wanted = System.getProperty("conv1d.kernel", "auto").trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "scalar":
        BEST = ScalarConv1DKernel.INSTANCE;
        REASON = "scalar engine forced by -Dconv1d.kernel=scalar";
        break;
      case "panama":
        if (panama == null) {
          throw new IllegalStateException("-Dconv1d.kernel=panama, but " + absence);
        }
        BEST = panama;
        REASON = panama.name() + " engine forced by -Dconv1d.kernel=panama";
        break;
      case "auto":
        BEST = panama != null ? panama : ScalarConv1DKernel.INSTANCE;
        REASON = panama != null
            ? panama.name() + " engine: jdk.incubator.vector is readable"
            : "scalar engine: " + absence;
        break;
      default:
        throw new IllegalArgumentException(
            "invalid system property 'conv1d.kernel' = '" + wanted + "': must be auto, scalar or panama");
    }
    System.getLogger(ConvKernels.class.getName()).log(Level.INFO, "conv1d kernels: " + REASON);
  }

  private ConvKernels() {}

  /** The engine chosen for this JVM. */
  public static Conv1DKernel best() {
    return BEST;
  }

  /** Why {@link #best()} was chosen. */
  public static String selectionReason() {
    return REASON;
  }

  public static Conv1DKernel scalar() {
    return ScalarConv1DKernel.INSTANCE;
  }

  /** The Vector API engine, when this JVM can run it. */
  public static Optional<Conv1DKernel> panama() {
    return Optional.ofNullable(PANAMA);
  }

  /** Why {@link #panama()} is empty, or null when it is not. */
  public static String panamaAbsenceReason() {
    return PANAMA_ABSENCE;
  }

  /** Every engine this JVM can run, scalar first. */
  public static List<Conv1DKernel> available() {
    List<Conv1DKernel> all = new ArrayList<>(2);
    all.add(ScalarConv1DKernel.INSTANCE);
    if (PANAMA != null) all.add(PANAMA);
    return Collections.unmodifiableList(all);
  }
}
