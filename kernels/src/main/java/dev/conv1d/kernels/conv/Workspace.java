package dev.conv1d.kernels.conv;

import dev.conv1d.kernels.spec.Args;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Caller-owned scratch and parallelism for conv1d calls. Kernels grow its buffers on demand and reuse them, so a
 * Spark task can call an op millions of times without garbage: once warm, a call allocates nothing, with any
 * parallelism (workers are handed work through volatile fields and park/unpark, not an executor's futures and
 * queue nodes). Not thread-safe: one workspace per caller thread. With parallelism &gt; 1 it owns
 * {@code parallelism - 1} daemon worker threads, started on first use; {@link #close()} stops them.
 */
public final class Workspace implements AutoCloseable {
  private final int parallelism;
  private final Scratch[] scratch;
  /** The reusable description of the current call, so running an op allocates no job object. */
  final Conv1DOp.Pass pass = new Conv1DOp.Pass();
  private Worker[] workers;
  private volatile Job job;
  private volatile int jobWorkers;
  private volatile Thread caller;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

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
    void run(int worker, int workers);
  }

  /** Runs job(worker) for each worker: worker 0 on the calling thread, the others on this workspace's threads. */
  void runAll(int n, Job job) {
    if (n <= 1) {
      job.run(0, 1);
      return;
    }
    if (n > parallelism) throw new IllegalArgumentException("workers " + n + " > parallelism " + parallelism);
    if (workers == null) startWorkers();
    this.job = job;
    this.jobWorkers = n;
    this.caller = Thread.currentThread();
    failure.set(null);
    pending.set(n - 1);
    for (int w = 1; w < n; w++) workers[w - 1].go();
    Throwable first = null;
    try {
      job.run(0, n);
    } catch (Throwable t) {
      first = t;
    }
    while (pending.get() > 0) {
      // Worker completion unparks this thread; an interrupt only makes the wait spin, the work is bounded.
      LockSupport.park(this);
    }
    this.job = null;
    Throwable other = failure.getAndSet(null);
    if (first == null) first = other;
    if (first instanceof RuntimeException) throw (RuntimeException) first;
    if (first instanceof Error) throw (Error) first;
    if (first != null) throw new IllegalStateException(first);
  }

  private void startWorkers() {
    workers = new Worker[parallelism - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].setDaemon(true);
      workers[i].start();
    }
  }

  /** Stops the worker threads; a later parallel call starts new ones. */
  @Override
  public void close() {
    if (workers != null) {
      for (Worker w : workers) w.finish();
      workers = null;
    }
  }

  /** One pool thread: waits for a new ticket, runs its share of the current job, reports completion. */
  private final class Worker extends Thread {
    private final int index;
    private volatile long ticket;
    private volatile boolean stop;

    Worker(int index) {
      super("conv1d-worker-" + index);
      this.index = index;
    }

    void go() {
      ticket++;
      LockSupport.unpark(this);
    }

    void finish() {
      stop = true;
      LockSupport.unpark(this);
    }

    @Override
    public void run() {
      long seen = 0;
      while (!stop) {
        long t = ticket;
        if (t == seen) {
          LockSupport.park(this);
          continue;
        }
        seen = t;
        try {
          job.run(index, jobWorkers);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
        if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
      }
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
