package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The build runs the kernel tests twice, with and without jdk.incubator.vector, and says which engine each run
 * must get. A run that silently fell back to scalar (or never exercised it) fails here.
 */
@Tag("kernel-path")
class KernelSelectionTest {
  @Test
  void theExpectedEngineIsChosenWithAReason() {
    String expected = System.getProperty("conv1d.test.expectedKernel");
    assertTrue(expected != null, "the build must set conv1d.test.expectedKernel");
    Conv1DKernel best = ConvKernels.best();
    assertTrue(best.name().startsWith(expected), "expected " + expected + " but got " + best.name() + ": "
        + ConvKernels.selectionReason());
    if (expected.equals("scalar")) {
      assertFalse(ConvKernels.panama().isPresent());
      assertTrue(ConvKernels.selectionReason().contains("jdk.incubator.vector"), ConvKernels.selectionReason());
      assertEquals(1, ConvKernels.available().size());
    } else {
      assertEquals(2, ConvKernels.available().size());
      assertTrue(ConvKernels.selectionReason().contains("readable"), ConvKernels.selectionReason());
    }
  }
}
