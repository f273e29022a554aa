package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conv1d.kernels.activation.Activations;
import dev.conv1d.kernels.spec.Conv1DSpec;
import dev.conv1d.kernels.spec.DataFormat;
import dev.conv1d.kernels.tensor.SequenceBatch;
import dev.conv1d.kernels.testing.RandomCases;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3's allocation rule: once warm, a call allocates nothing beyond the caller's reused {@link Workspace}, on
 * the calling thread and on the workspace's worker threads, so Spark tasks can call an op millions of times
 * without GC pressure. Measured with the JVM's per-thread allocation counters. Until C2 has compiled the hot
 * code, C1's boxed vectors do allocate, so the test measures rounds of calls until one allocates (nearly)
 * nothing, and fails only if none of many rounds does; a per-call object (a lambda, a future, a grown buffer)
 * shows up in every round.
 */
class AllocationTest {
  private static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int CALLS = 100, ROUNDS = 40;

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (Conv1DKernel k : ConvKernels.available()) {
      for (int threads : new int[] {1, 2}) {
        for (DataFormat layout : DataFormat.values()) a.add(Arguments.of(k.name(), k, threads, layout));
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} threads={2} {3}")
  @MethodSource("cases")
  void warmCallsAllocateNothing(String name, Conv1DKernel engine, int threads, DataFormat layout) {
    // 20 filters: a 16-wide panel and a narrow tail; 7 inputs; lengths give partial register tiles.
    Conv1DSpec s = Conv1DSpec.builder().inChannels(7).filters(20).kernelSize(3).padding("same").useBias(true)
        .dataFormat(layout).build();
    SplittableRandom r = new SplittableRandom(3);
    SequenceBatch x = RandomCases.batch(r, s, 37, 1, 300, 0, 45);
    Conv1DOp op = Conv1DOp.of(s, Weights.ofFlat(RandomCases.floats(r, s.kernelLength()), s.kernelSize(),
        s.groupInChannels(), s.filters(), RandomCases.floats(r, s.filters())), Activations.relu(), engine);
    SequenceBatch y = op.newOutput(x);
    SequenceBatch dz = op.newOutput(x);
    RandomCases.fill(r, dz.values());
    SequenceBatch dx = SequenceBatch.allocate(x.offsets(), s.inChannels(), layout);
    float[] dk = new float[s.kernelLength()], db = new float[s.filters()];
    try (Workspace ws = Workspace.create(threads)) {
      Runnable call = () -> {
        op.forward(x, y, ws);
        op.forwardPreActivation(x, y, ws);
        op.activationBackward(y, dz, ws);
        op.backwardKernel(x, dz, dk, db, ws);
        op.backwardInput(dz, dx, ws);
      };
      call.run();
      long[] ids = threadIds(threads);
      long best = Long.MAX_VALUE;
      for (int round = 0; round < ROUNDS && best >= CALLS; round++) {
        long before = allocated(ids);
        for (int i = 0; i < CALLS; i++) call.run();
        best = Math.min(best, allocated(ids) - before);
      }
      // Fewer bytes than calls: no call allocated even one object (the smallest is 16 bytes); the reading of
      // the counters itself allocates one small array.
      assertTrue(best < CALLS, name + " threads=" + threads + " " + layout + ": the least-allocating round of "
          + CALLS + " warm calls allocated " + best + " bytes");
    }
  }

  /** The calling thread and the workspace's worker threads (started by the first call). */
  private static long[] threadIds(int threads) {
    List<Long> ids = new ArrayList<>();
    ids.add(Thread.currentThread().getId());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("conv1d-worker")) ids.add(t.getId());
    }
    if (ids.size() < threads) throw new IllegalStateException("expected " + (threads - 1) + " worker threads: " + ids);
    long[] a = new long[ids.size()];
    for (int i = 0; i < a.length; i++) a[i] = ids.get(i);
    return a;
  }

  private static long allocated(long[] ids) {
    long n = 0;
    for (long b : MX.getThreadAllocatedBytes(ids)) n += b;
    return n;
  }
}
