package dev.conv1d.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The workspace's own worker threads: every share runs once, failures reach the caller, close stops them. */
class WorkspaceTest {
  @Test
  void runsEveryShareOnceAcrossCallsAndAfterClose() throws Exception {
    Set<Thread> before = workerThreads();
    Workspace ws = Workspace.create(3);
    for (int call = 0; call < 200; call++) {
      int n = 1 + call % 3;
      AtomicIntegerArray seen = new AtomicIntegerArray(3);
      ws.runAll(n, (w, k) -> {
        assertEquals(n, k);
        seen.incrementAndGet(w);
      });
      for (int w = 0; w < 3; w++) assertEquals(w < n ? 1 : 0, seen.get(w), "call " + call + " worker " + w);
      if (call == 100) ws.close();
    }
    Set<Thread> ours = workerThreads();
    ours.removeAll(before);
    assertTrue(!ours.isEmpty(), "no worker threads running after the restart that follows close");
    ws.close();
    for (Thread t : ours) t.join(5000);
    for (Thread t : ours) assertTrue(!t.isAlive(), t.getName() + " still alive after close");
  }

  @Test
  void aWorkersFailureReachesTheCallerAfterAllSharesFinish() {
    try (Workspace ws = Workspace.create(2)) {
      int[] done = new int[2];
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> ws.runAll(2, (w, n) -> {
        done[w] = 1;
        if (w == 1) throw new IllegalStateException("worker 1 failed");
      }));
      assertEquals("worker 1 failed", e.getMessage());
      assertArrayEquals(new int[] {1, 1}, done);
      // The workspace stays usable.
      int[] again = new int[2];
      ws.runAll(2, (w, n) -> again[w]++);
      assertArrayEquals(new int[] {1, 1}, again);
    }
  }

  private static Set<Thread> workerThreads() {
    Set<Thread> s = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("conv1d-worker")) s.add(t);
    }
    return s;
  }
}
