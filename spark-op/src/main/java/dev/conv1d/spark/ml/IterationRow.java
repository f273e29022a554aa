package dev.conv1d.spark.ml;

/**
 * One iteration of a {@link Conv1D} fit as it happens, the same values as that iteration's row of
 * {@link Conv1DTrainingSummary} (index i is entry i of its histories). Given to the listener set with
 * {@link Conv1D#setIterationListener}.
 */
public record IterationRow(int index, double objective, double dataLoss, double kernelReg, double biasReg,
    double activityReg, double validationLoss, double timeMs) {}
