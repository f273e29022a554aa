package dev.conv1d.kernels.conv;

import dev.conv1d.kernels.spec.Args;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Caller-owned scratch and parallelism for conv1d calls. Kernels grow its buffers on demand and reuse them, so a
 * Spark task can call an op millions of times without garbage. Not thread-safe: one workspace per caller thread.
 * With parallelism &gt; 1 it owns {@code parallelism - 1} daemon worker threads; {@link #close()} stops them.
 */
public final class Workspace implements AutoCloseable {
  private final int parallelism;
  private final Scratch[] scratch;
  private ExecutorService pool;

  private Workspace(int parallelism) {
    this.parallelism = Args.positive("parallelism", parallelism);
    this.scratch = new Scratch[parallelism];
    for (int i = 0; i < parallelism; i++) scratch[i] = new Scratch();
  }

  /** Single-threaded. */
  public static Workspace create() {
    return new Workspace(1);
  }

  public static Workspace create(int parallelism) {
    return new Workspace(parallelism);
  }

  public int parallelism() {
    return parallelism;
  }

  Scratch scratch(int worker) {
    return scratch[worker];
  }

  /** Scratch floats currently held, for memory accounting in tests. */
  public long scratchFloats() {
    long n = 0;
    for (Scratch s : scratch) n += s.size();
    return n;
  }

  interface Job {
    void run(int worker, int workers) throws Exception;
  }

  /** Runs job(worker) for each worker: worker 0 on the calling thread, the others on the pool. */
  void runAll(int workers, Job job) {
    if (workers <= 1) {
      try {
        job.run(0, 1);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    if (pool == null) {
      pool = Executors.newFixedThreadPool(parallelism - 1, r -> {
        Thread t = new Thread(r, "conv1d-worker");
        t.setDaemon(true);
        return t;
      });
    }
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[workers - 1];
    for (int w = 1; w < workers; w++) {
      final int worker = w;
      futures[w - 1] = pool.submit(() -> {
        job.run(worker, workers);
        return null;
      });
    }
    Throwable failure = null;
    try {
      job.run(0, workers);
    } catch (Throwable t) {
      failure = t;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) failure = e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) failure = e;
      }
    }
    if (failure instanceof RuntimeException) throw (RuntimeException) failure;
    if (failure instanceof Error) throw (Error) failure;
    if (failure != null) throw new IllegalStateException(failure);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }

  /** Per-worker buffers, grown on demand. */
  static final class Scratch {
    float[] window = new float[0];
    float[] tile = new float[0];
    float[] tile2 = new float[0];
    float[] kernelAcc = new float[0];
    float[] biasAcc = new float[0];

    float[] window(int n) {
      if (window.length < n) window = new float[n];
      return window;
    }

    float[] tile(int n) {
      if (tile.length < n) tile = new float[n];
      return tile;
    }

    float[] tile2(int n) {
      if (tile2.length < n) tile2 = new float[n];
      return tile2;
    }

    float[] kernelAcc(int n) {
      if (kernelAcc.length < n) kernelAcc = new float[n];
      return kernelAcc;
    }

    float[] biasAcc(int n) {
      if (biasAcc.length < n) biasAcc = new float[n];
      return biasAcc;
    }

    long size() {
      return (long) window.length + tile.length + tile2.length + kernelAcc.length + biasAcc.length;
    }
  }
}
