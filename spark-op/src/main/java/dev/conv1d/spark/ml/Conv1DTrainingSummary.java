package dev.conv1d.spark.ml;

import java.io.Serializable;

/**
 * Per-iteration record of a {@link Conv1D} fit. For adam and sgd, entry i is the objective at the weights that
 * iteration i's step started from (the mini-batch's, when sampled); for lbfgs, entry 0 is the initial objective
 * and entry i the objective after the i-th accepted step. The validation loss is NaN without validation rows.
 */
public final class Conv1DTrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String optimizer;
  private final double[] objective, dataLoss, kernelReg, biasReg, activityReg, validationLoss, timeMs;
  private final int totalIterations;
  private final String stopReason;
  private long skippedRows;

  public Conv1DTrainingSummary(String optimizer, double[] objective, double[] dataLoss, double[] kernelReg,
      double[] biasReg, double[] activityReg, double[] validationLoss, double[] timeMs, int totalIterations,
      String stopReason) {
    this.optimizer = optimizer;
    this.objective = objective;
    this.dataLoss = dataLoss;
    this.kernelReg = kernelReg;
    this.biasReg = biasReg;
    this.activityReg = activityReg;
    this.validationLoss = validationLoss;
    this.timeMs = timeMs;
    this.totalIterations = totalIterations;
    this.stopReason = stopReason;
  }

  public String optimizer() { return optimizer; }
  /** Training rows left out as unreadable (handleInvalid skip or keep). */
  public long skippedRows() { return skippedRows; }

  Conv1DTrainingSummary withSkippedRows(long n) {
    skippedRows = n;
    return this;
  }
  /** Total objective: data loss + kernel + bias + activity terms. */
  public double[] objectiveHistory() { return objective.clone(); }
  public double[] dataLossHistory() { return dataLoss.clone(); }
  public double[] kernelRegularizationHistory() { return kernelReg.clone(); }
  public double[] biasRegularizationHistory() { return biasReg.clone(); }
  public double[] activityRegularizationHistory() { return activityReg.clone(); }
  public double[] validationLossHistory() { return validationLoss.clone(); }
  /** Wall time of each iteration on the driver, in milliseconds. */
  public double[] iterationTimeMs() { return timeMs.clone(); }
  /** Optimizer steps taken. */
  public int totalIterations() { return totalIterations; }
  /** Why training stopped: maxIter, converged (tol), early stopping, no decrease (lbfgs), not trainable. */
  public String stopReason() { return stopReason; }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Conv1D training (" + optimizer + "): " + totalIterations
        + " iterations, stopped: " + stopReason + "\n  iter  objective  data_loss  kernel_reg  bias_reg  activity_reg"
        + "  val_loss  time_ms\n");
    for (int i = 0; i < objective.length; i++) {
      sb.append(String.format(java.util.Locale.ROOT, "  %4d  %.6g  %.6g  %.4g  %.4g  %.4g  %.6g  %.1f%n", i,
          objective[i], dataLoss[i], kernelReg[i], biasReg[i], activityReg[i], validationLoss[i], timeMs[i]));
    }
    return sb.toString();
  }
}
