package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.model.LlmBudgetTurned;
import dev.conversationworker.ops.LlmSpendMetrics;
import dev.conversationworker.support.RedisScript;

/**
 * The LLM tokens all instances together may spend in any sliding hour ({@code llm.budget.tokens-per-hour}): before
 * each HTTP call its worst case is reserved atomically in Redis — a bound of its prompt tokens (the system message
 * counted once, the rest by its UTF-8 length, which no token count exceeds) plus {@code llm.max-completion-tokens};
 * refused, the prompt is counted with the tokenizer and the exact worst case tried (so near the end of the budget
 * the bound's slack refuses nothing that fits, and elsewhere no tokenizer runs) — and afterwards settled with what
 * the provider billed. A call is made only if its worst case fits, so the fleet
 * spends no more than the budget, at any concurrency, since reservations count the moment they are made (a provider
 * that counts a prompt above our bound could overspend by that). Settles travel with the next reservation, or a
 * reading each {@link #READING}. While the budget is far from spent, an instance reserves a {@link Lease} of a
 * hundredth of it at once and serves its calls from it in memory, giving back what it did not use each
 * {@link #READING}: one round trip serves many calls (reserved in Redis like a call, a lease changes nothing of the
 * bound). The window is 360 buckets of 10 s in Redis time (one clock
 * for the fleet), plus the current one: it errs by at most 10 s, towards spending less.
 * <p>
 * Whoever turns the budget from free to spent, or back (with a tenth of it free, so it does not flap at the edge),
 * is told so by the script, so exactly one instance announces each turn. Redis failing to answer counts as no room:
 * the budget is never exceeded because it could not be read.
 */
final class TokenBudget {

    private static final Logger LOG = Logger.getLogger(TokenBudget.class);
    /** Settled calls are sent, and the gauge read, at least this often (with each reservation, else by a timer). */
    private static final Duration READING = Duration.ofSeconds(1);

    static final Duration BUCKET = Duration.ofSeconds(10);
    /**
     * A lease is a hundredth of the hourly budget, held for at most a {@link #READING}: one round trip serves many
     * calls. Leases are taken only while the budget has room for this many of them; nearer its end, each call
     * reserves its own worst case, so what one instance holds never keeps another from the last tokens.
     */
    private static final long LEASES_PER_HOUR = 100;
    private static final long LEASES_LEFT_FOR_LEASING = 4;
    static final int BUCKETS_BEFORE = (int) (Duration.ofHours(1).toMillis() / BUCKET.toMillis());

    /** No budget: every call may be made, and nothing is asked of Redis. */
    static final TokenBudget UNLIMITED = new TokenBudget(null, null, 0, null, null, BUCKET, 0);

    private static final RedisScript RESERVE = RedisScript.load("/analysis/budget-reserve.lua");

    private final ReactiveRedisDataSource redis;
    private final String[] keys;
    private final long tokensPerHour;
    private final Consumer<LlmBudgetTurned> turned;
    private final String whenSpent;
    private final long bucketMs;
    private final int bucketsBefore;
    private final AtomicLong remaining;
    private final AtomicBoolean unreadable = new AtomicBoolean();
    /** This instance's lease: tokens reserved in Redis at once for many calls; null when it has none. */
    private Lease lease;
    /** Settled calls and leases not yet sent to Redis: what they cost minus what they reserved, by bucket. */
    private final Map<Long, AtomicLong> unsent = new ConcurrentHashMap<>();

    /**
     * The budget {@code llm.budget} sets, if any: its turns logged and passed on, its gauge registered and read
     * every {@link #READING} while no call reads it.
     *
     * @param turned where this instance's turns go (a CDI event: the alarm tells on-call)
     */
    static TokenBudget configured(LlmConfig.Budget config, ReactiveRedisDataSource redis, String keyPrefix,
            Consumer<LlmBudgetTurned> turned, LlmSpendMetrics spend, Vertx vertx) {
        if (config.tokensPerHour().isEmpty()) {
            return UNLIMITED;
        }
        TokenBudget budget = fleet(redis, keyPrefix, config.tokensPerHour().getAsLong(),
                config.whenSpent().name().toLowerCase(Locale.ROOT), turn -> {
                    if (turn.spent()) {
                        LlmLog.LOG.budgetSpent(turn.tokensPerHour(), turn.whenSpent());
                    } else {
                        LlmLog.LOG.budgetFreeAgain(turn.tokensPerHour(), turn.remaining());
                    }
                    turned.accept(turn);
                });
        spend.startBudget(budget::remaining);
        vertx.setPeriodic(READING.toMillis(), id -> budget.refresh().subscribe().with(ok -> {
        }, failure -> LOG.debugf("The LLM budget could not be read: %s", failure)));
        return budget;
    }

    /**
     * @param keyPrefix the worker's Redis key prefix ({@code history.key-prefix})
     * @param whenSpent what analyses get while it is spent ({@code llm.budget.when-spent}), for the announcements
     * @param turned told when this instance found the budget spent, or free again, first for the fleet
     */
    static TokenBudget fleet(ReactiveRedisDataSource redis, String keyPrefix, long tokensPerHour, String whenSpent,
            Consumer<LlmBudgetTurned> turned) {
        return fleet(redis, keyPrefix, tokensPerHour, whenSpent, turned, BUCKET, BUCKETS_BEFORE);
    }

    /** A window of {@code bucketsBefore} buckets and the current one: an hour, but for tests of its sliding. */
    static TokenBudget fleet(ReactiveRedisDataSource redis, String keyPrefix, long tokensPerHour, String whenSpent,
            Consumer<LlmBudgetTurned> turned, Duration bucket, int bucketsBefore) {
        if (tokensPerHour < 1) {
            throw new IllegalArgumentException("llm.budget.tokens-per-hour must be at least 1, got " + tokensPerHour);
        }
        // One hash tag: both keys are in one slot, as a script on Redis Cluster needs.
        String base = keyPrefix + ":{llm-budget}";
        return new TokenBudget(redis, new String[]{base + ":window", base + ":spent"}, tokensPerHour, whenSpent,
                turned, bucket, bucketsBefore);
    }

    private TokenBudget(ReactiveRedisDataSource redis, String[] keys, long tokensPerHour, String whenSpent,
            Consumer<LlmBudgetTurned> turned, Duration bucket, int bucketsBefore) {
        this.bucketMs = bucket.toMillis();
        this.bucketsBefore = bucketsBefore;
        this.redis = redis;
        this.keys = keys;
        this.tokensPerHour = tokensPerHour;
        this.whenSpent = whenSpent;
        this.turned = turned;
        this.remaining = new AtomicLong(tokensPerHour);
    }

    boolean limited() {
        return redis != null;
    }

    long tokensPerHour() {
        return tokensPerHour;
    }

    /** Tokens left in the window at the last reservation or reading (for the gauge). */
    long remaining() {
        return remaining.get();
    }

    /**
     * A reservation of {@code tokens} in the fleet's window, or {@link Reservation#DENIED}. The calls settled since
     * the last run go with it.
     */
    Uni<Reservation> reserve(long tokens) {
        return reserve(tokens, true);
    }

    /**
     * Taken from this instance's lease if it has room (no round trip); else, while the budget is far from spent, a
     * new lease is taken for it; near the end, the call's own reservation.
     *
     * @param last false when a refusal will be followed by a smaller reservation: then it does not turn it spent
     */
    Uni<Reservation> reserve(long tokens, boolean last) {
        if (!limited()) {
            return Uni.createFrom().item(Reservation.FREE);
        }
        Reservation local = fromLease(tokens);
        if (local != null) {
            return Uni.createFrom().item(local);
        }
        long leaseSize = Math.max(tokens, tokensPerHour / LEASES_PER_HOUR);
        if (leaseSize > tokens && remaining.get() >= LEASES_LEFT_FOR_LEASING * leaseSize) {
            return reserveInRedis(leaseSize, false).chain(lease -> lease.denied()
                    ? reserveInRedis(tokens, last)
                    : Uni.createFrom().item(() -> newLease(lease, tokens)));
        }
        return reserveInRedis(tokens, last);
    }

    private Uni<Reservation> reserveInRedis(long tokens, boolean last) {
        return run(tokens, last).map(reply -> {
            long left = reply.get(1).toLong();
            switch (reply.get(3).toInteger()) {
                case 1 -> turned.accept(new LlmBudgetTurned(true, tokensPerHour, Math.max(0, left), whenSpent));
                case 2 -> turned.accept(new LlmBudgetTurned(false, tokensPerHour, left, whenSpent));
                default -> {
                }
            }
            return reply.get(0).toInteger() == 1
                    ? new Reservation(reply.get(2).toLong(), tokens, null)
                    : Reservation.DENIED;
        }).onFailure().recoverWithItem(failure -> {
            if (unreadable.compareAndSet(false, true)) {
                LlmLog.LOG.budgetUnreadable(FailureKind.of(failure));
            }
            return Reservation.DENIED;
        });
    }

    private synchronized Reservation fromLease(long tokens) {
        if (lease == null || lease.granted - lease.used < tokens) {
            return null;
        }
        lease.used += tokens;
        lease.open++;
        return new Reservation(lease.bucket, tokens, lease);
    }

    /** A lease granted in Redis: the current one retires, and the call takes the first tokens of the new one. */
    private synchronized Reservation newLease(Reservation granted, long tokens) {
        retireLease();
        lease = new Lease(granted.bucket(), granted.tokens());
        return fromLease(tokens);
    }

    /** No more calls take from the lease; once its calls have settled, what it did not use goes back to the fleet. */
    private synchronized void retireLease() {
        if (lease != null) {
            lease.retired = true;
            settleIfDone(lease);
            lease = null;
        }
    }

    private void settleIfDone(Lease done) {
        if (done.retired && done.open == 0 && done.used != done.granted) {
            unsent.computeIfAbsent(done.bucket, bucket -> new AtomicLong()).addAndGet(done.used - done.granted);
        }
    }

    /**
     * Retires the lease (its unused tokens go back to the fleet), sends the calls settled since the last run and
     * reads the window: the gauge stays true while no call is made.
     */
    Uni<Void> refresh() {
        if (!limited()) {
            return Uni.createFrom().voidItem();
        }
        retireLease();
        return run(0, false).replaceWithVoid();
    }

    private Uni<Response> run(long tokens, boolean last) {
        List<String> args = new ArrayList<>(List.of(keys[0], keys[1], Long.toString(tokensPerHour),
                Long.toString(tokens), Integer.toString(bucketsBefore), Long.toString(bucketMs),
                Long.toString(Math.max(1, tokensPerHour / 10)), last ? "1" : "0"));
        Map<Long, Long> settling = new HashMap<>();
        unsent.forEach((bucket, change) -> {
            long taken = change.getAndSet(0);
            if (taken != 0) {
                settling.put(bucket, taken);
                args.add(Long.toString(bucket));
                args.add(Long.toString(taken));
            }
        });
        // A bucket an hour old gets no more settles (a call lasts llm.deadline): its entry goes.
        long gone = System.currentTimeMillis() / bucketMs - bucketsBefore - 2;
        unsent.entrySet().removeIf(entry -> entry.getKey() < gone && entry.getValue().get() == 0);
        return RESERVE.run(redis, 2, args.toArray(String[]::new))
                .invoke(reply -> {
                    unreadable.set(false);
                    remaining.set(Math.max(0, reply.get(1).toLong()));
                })
                // Not taken: they are sent again with the next run (until their bucket leaves the window, at most an
                // hour: a worst case counted longer only makes the fleet spend less).
                .onFailure().invoke(() -> settling.forEach(
                        (bucket, change) -> unsent.computeIfAbsent(bucket, b -> new AtomicLong()).addAndGet(change)));
    }

    /**
     * The call is over and cost {@code tokens}: its reservation is to be replaced by that, with the next reservation
     * or reading (within {@link #READING}), whichever comes first; until then the worst case stays counted. A call of
     * a lease gives back to the lease what it did not use.
     */
    void settle(Reservation reservation, long tokens) {
        if (reservation.lease() != null) {
            synchronized (this) {
                Lease of = reservation.lease();
                of.used += tokens - reservation.tokens();
                of.open--;
                settleIfDone(of);
            }
        } else if (reservation.bucket() >= 0 && tokens != reservation.tokens()) {
            unsent.computeIfAbsent(reservation.bucket(), bucket -> new AtomicLong())
                    .addAndGet(tokens - reservation.tokens());
        }
    }

    /**
     * Tokens this instance took for its calls at once, reserved in Redis in bucket {@code bucket} (guarded by the
     * budget's lock): {@code used} by the calls it served (their worst case, then what they cost), {@code open} of
     * them not settled yet.
     */
    private static final class Lease {

        private final long bucket;
        private final long granted;
        private long used;
        private int open;
        private boolean retired;

        private Lease(long bucket, long granted) {
            this.bucket = bucket;
            this.granted = granted;
        }
    }

    /**
     * Tokens held for one call in the window's bucket {@code bucket}, taken from a {@code lease} of this instance or
     * (null) reserved for the call itself.
     *
     * @param bucket negative when nothing was reserved ({@link #FREE}: no budget) or could be ({@link #DENIED})
     */
    record Reservation(long bucket, long tokens, Lease lease) {

        static final Reservation FREE = new Reservation(-1, 0, null);
        static final Reservation DENIED = new Reservation(-2, 0, null);

        boolean denied() {
            return bucket == -2;
        }
    }
}
