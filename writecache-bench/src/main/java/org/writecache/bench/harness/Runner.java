package org.writecache.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;

/**
 * Runs an operation on some threads for a warm-up and then a timed phase, recording each operation's latency. All
 * threads start the timed phase together and stop at the same deadline.
 */
public final class Runner {
    private final Duration warmup;
    private final Duration duration;
    private final long seed;

    /**
     * @param warmup   untimed run before the timed phase.
     * @param duration length of the timed phase.
     * @param seed     seed of the per-thread random sources (thread {@code i} uses {@code seed + i}).
     */
    public Runner(final Duration warmup, final Duration duration, final long seed) {
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("duration must be positive and warm-up not negative: duration "
                + duration + ", warm-up " + warmup);
        }
        this.warmup = warmup;
        this.duration = duration;
        this.seed = seed;
    }

    /** @return the warm-up plus the timed phase. */
    public Duration total() {
        return warmup.plus(duration);
    }

    /** Times {@code factory}'s operations on {@code threads} threads. */
    public Measurement measure(final String name, final Map<String, String> params, final int threads,
                               final OperationFactory factory) throws IOException {
        final List<Operation> ops = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            ops.add(factory.forThread(t, threads));
        }
        final CyclicBarrier warm = new CyclicBarrier(threads);
        final CyclicBarrier timed = new CyclicBarrier(threads);
        final long[] counts = new long[threads];
        final long[] bytes = new long[threads];
        final Histogram[] histograms = new Histogram[threads];
        final long[] window = new long[2];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            final int id = t;
            workers.add(Thread.ofPlatform().name("bench-" + name + "-" + t).start(() -> {
                try {
                    final SplittableRandom random = new SplittableRandom(seed + id);
                    final Operation op = ops.get(id);
                    warm.await();
                    final long warmEnd = System.nanoTime() + warmup.toNanos();
                    while (System.nanoTime() < warmEnd && failure.get() == null) {
                        op.run(random);
                        op.after();
                    }
                    timed.await();
                    final long start = System.nanoTime();
                    final long end = start + duration.toNanos();
                    final Histogram h = new Histogram(3);
                    long n = 0;
                    long b = 0;
                    long now = start;
                    while (now < end && failure.get() == null) {
                        b += op.run(random);
                        final long done = System.nanoTime();
                        h.recordValue(Math.max(1, done - now));
                        n++;
                        op.after();
                        now = System.nanoTime();
                    }
                    counts[id] = n;
                    bytes[id] = b;
                    histograms[id] = h;
                    synchronized (window) {
                        window[0] = window[0] == 0 ? start : Math.min(window[0], start);
                        window[1] = Math.max(window[1], now);
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                    warm.reset();
                    timed.reset();
                }
            }));
        }
        for (final Thread w : workers) {
            try {
                w.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + name, e);
            }
        }
        final Throwable f = failure.get();
        if (f != null) {
            if (f instanceof IOException io) {
                throw io;
            }
            if (f instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException(name + " failed: " + f, f);
        }
        final Histogram all = new Histogram(3);
        long n = 0;
        long b = 0;
        for (int t = 0; t < threads; t++) {
            all.add(histograms[t]);
            n += counts[t];
            b += bytes[t];
        }
        return new Measurement(name, params, n, b, window[1] - window[0], all, Map.of());
    }

    /** Times one long operation (such as writing a whole region back) as a single sample. */
    public static Measurement once(final String name, final Map<String, String> params, final Operation op)
        throws IOException {
        final long start = System.nanoTime();
        final long b = op.run(new SplittableRandom(0));
        final long nanos = Math.max(1, System.nanoTime() - start);
        final Histogram h = new Histogram(3);
        h.recordValue(nanos);
        return new Measurement(name, params, 1, b, nanos, h, Map.of());
    }
}
