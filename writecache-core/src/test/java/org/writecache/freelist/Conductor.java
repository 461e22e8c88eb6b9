package org.writecache.freelist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.NanoClock;

/**
 * Runs real threads one at a time under an explorer's choices: the {@link Parker} and the {@link NanoClock} injected
 * into the code under test. A thread ("actor") runs until it parks or ends; then the conductor chooses, through the
 * {@link ChoiceTree}, what happens next: resume a runnable actor, or take one step of the environment (a step the
 * scenario offers, such as a release, a commit or a writeback; the time passing to the next park deadline; an
 * interrupt or a spurious wakeup of a parked actor). Parks happen outside every lock, so whatever an actor does
 * between two parks is atomic with respect to the others, and only the order of these steps varies.
 *
 * <p>Unpark keeps a permit, as {@code LockSupport} does: an unpark before the park makes the park return at once. A
 * timed park returns when the time passes its deadline; an interrupted one returns with the interrupt flag set.
 * Whenever no actor is runnable the scenario's check runs: that is where lost wakeups show.
 */
public final class Conductor implements Parker, NanoClock {
    /** How long an actor may run between two parks, in real time, before it counts as blocked outside control. */
    private static final long PATIENCE_SECONDS = 30;
    /** Steps per run before the run counts as a livelock. */
    private static final int MAX_STEPS = 5_000;

    enum State { NEW, RUNNABLE, PARKED, DONE }

    /** A controlled thread. */
    public static final class Actor {
        final String name;
        final int id;
        Thread thread;
        final Semaphore turn = new Semaphore(0);
        State state = State.NEW;
        boolean permit;
        long deadline;
        Waiter waiter;
        Throwable failure;

        Actor(final String name, final int id) {
            this.name = name;
            this.id = id;
        }

        /** @return true once its body has returned or thrown. */
        public boolean done() {
            return state == State.DONE;
        }

        /** @return true while parked without a permit. */
        public boolean parked() {
            return state == State.PARKED;
        }

        /** @return what its body threw, or null. */
        public Throwable failure() {
            return failure;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An actor's work. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private record Step(String name, BooleanSupplier enabled, Runnable action, int[] budget) {
    }

    private final ChoiceTree choices;
    private final List<Actor> actors = new ArrayList<>();
    private final Map<Thread, Actor> byThread = new ConcurrentHashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final Semaphore back = new Semaphore(0);
    private final List<String> trace = new ArrayList<>();
    private int interrupts;
    private int spurious;
    private long now = 1_000_000_000L;
    private Runnable quiescentCheck = () -> { };

    /**
     * @param choices    where the choices come from.
     * @param interrupts interrupts of parked actors the environment may make in a run.
     * @param spurious   spurious wakeups of parked actors the environment may make in a run.
     */
    public Conductor(final ChoiceTree choices, final int interrupts, final int spurious) {
        this.choices = choices;
        this.interrupts = interrupts;
        this.spurious = spurious;
    }

    /** Adds an actor running {@code body}; it starts when first chosen. */
    public Actor actor(final String name, final Body body) {
        final Actor a = new Actor(name, actors.size());
        a.thread = Thread.ofPlatform().daemon().name("actor-" + name).unstarted(() -> {
            a.turn.acquireUninterruptibly();
            try {
                body.run();
            } catch (final Throwable t) {
                a.failure = t;
            } finally {
                a.state = State.DONE;
                back.release();
            }
        });
        byThread.put(a.thread, a);
        actors.add(a);
        return a;
    }

    /** Offers an environment step, at most {@code budget} times a run, whenever {@code enabled} holds. */
    public void step(final String name, final int budget, final BooleanSupplier enabled, final Runnable action) {
        steps.add(new Step(name, enabled, action, new int[] {budget}));
    }

    /** Sets the check run whenever no actor is runnable. */
    public void onQuiescent(final Runnable check) {
        this.quiescentCheck = check;
    }

    /** A choice made by the code under test (a need after a wake-up, say): @return 0 to {@code options - 1}. */
    public int choose(final int options) {
        return choices.choose(options);
    }

    /** @return the actors. */
    public List<Actor> actors() {
        return actors;
    }

    /** @return the steps taken so far, one line each. */
    public List<String> trace() {
        return trace;
    }

    /**
     * Runs until nothing is enabled: every actor is done, or parked with no environment step left.
     *
     * @throws InterruptedException if the test thread is interrupted.
     */
    public void run() throws InterruptedException {
        for (int n = 0; ; n++) {
            if (n == MAX_STEPS) {
                throw new AssertionError("no end after " + MAX_STEPS + " steps: a livelock");
            }
            if (runnable().isEmpty()) {
                quiescentCheck.run();
            }
            final List<Runnable> options = new ArrayList<>();
            final List<String> labels = new ArrayList<>();
            enabled(options, labels);
            if (options.isEmpty()) {
                return;
            }
            final int c = choices.choose(options.size());
            trace.add(labels.get(c));
            options.get(c).run();
        }
    }

    /**
     * Resumes runnable actors, lowest first, until none is runnable, taking {@code step} whenever none is; stops when
     * all are done or a round of {@code step} wakes nobody. No choices: for draining and closing after a run.
     *
     * @return the actors still parked.
     */
    public List<Actor> settle(final BooleanSupplier step) throws InterruptedException {
        while (true) {
            List<Actor> r = runnable();
            while (!r.isEmpty()) {
                resume(r.get(0));
                r = runnable();
            }
            final List<Actor> parked = actors.stream().filter(Actor::parked).toList();
            if (parked.isEmpty() || !step.getAsBoolean() || runnable().isEmpty()) {
                return parked;
            }
        }
    }

    private List<Actor> runnable() {
        return actors.stream().filter(a -> a.state == State.NEW || a.state == State.RUNNABLE).toList();
    }

    private void enabled(final List<Runnable> options, final List<String> labels) {
        for (final Actor a : runnable()) {
            options.add(() -> resumeUnchecked(a));
            labels.add("run " + a);
        }
        for (final Step s : steps) {
            if (s.budget()[0] > 0 && s.enabled().getAsBoolean()) {
                options.add(() -> {
                    s.budget()[0]--;
                    s.action().run();
                });
                labels.add(s.name());
            }
        }
        long nextDeadline = Long.MAX_VALUE;
        for (final Actor a : actors) {
            if (a.parked() && a.deadline != 0) {
                nextDeadline = Math.min(nextDeadline, a.deadline);
            }
        }
        if (nextDeadline != Long.MAX_VALUE) {
            final long to = nextDeadline;
            options.add(() -> advanceTo(to));
            labels.add("time passes to " + to);
        }
        for (final Actor a : actors) {
            if (a.parked() && interrupts > 0) {
                options.add(() -> {
                    interrupts--;
                    a.thread.interrupt();
                    a.state = State.RUNNABLE;
                });
                labels.add("interrupt " + a);
            }
        }
        for (final Actor a : actors) {
            if (a.parked() && spurious > 0) {
                options.add(() -> {
                    spurious--;
                    a.state = State.RUNNABLE;
                });
                labels.add("spurious wakeup of " + a);
            }
        }
    }

    /** Moves the clock to {@code t}; parked actors whose deadline passed wake up, as a timed park returns. */
    public void advanceTo(final long t) {
        now = Math.max(now, t);
        for (final Actor a : actors) {
            if (a.parked() && a.deadline != 0 && a.deadline <= now) {
                a.state = State.RUNNABLE;
            }
        }
    }

    private void resumeUnchecked(final Actor a) {
        try {
            resume(a);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("explorer interrupted", e);
        }
    }

    private void resume(final Actor a) throws InterruptedException {
        if (a.state == State.NEW) {
            a.state = State.RUNNABLE;
            a.thread.start();
        }
        a.turn.release();
        if (!back.tryAcquire(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError(a + " neither parked nor ended within " + PATIENCE_SECONDS
                + " s: blocked outside the explorer's control; stack: "
                + java.util.Arrays.toString(a.thread.getStackTrace()));
        }
    }

    // ---- Parker and NanoClock, called by actors (and the environment steps, on the conductor's thread) ----

    @Override
    public void park(final Waiter waiter, final long timeoutNanos) {
        final Actor a = byThread.get(Thread.currentThread());
        if (a == null) {
            throw new IllegalStateException("park from a thread the explorer does not control");
        }
        a.waiter = waiter;
        if (a.permit) {
            a.permit = false;
            return;
        }
        a.state = State.PARKED;
        a.deadline = timeoutNanos > 0 ? now + timeoutNanos : 0;
        back.release();
        a.turn.acquireUninterruptibly();
    }

    @Override
    public void unpark(final Waiter waiter) {
        final Actor a = byThread.get(waiter.thread());
        if (a == null) {
            return;
        }
        if (a.state == State.PARKED) {
            a.state = State.RUNNABLE;
        } else {
            a.permit = true;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Lets every actor still alive end: they are daemons, but a run should not leave them parked. */
    void abandon() {
        for (final Actor a : actors) {
            if (a.state != State.DONE && a.state != State.NEW) {
                a.thread.interrupt();
                a.turn.release(1_000);
            }
        }
    }
}
