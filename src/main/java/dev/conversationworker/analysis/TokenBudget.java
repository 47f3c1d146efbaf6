package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * reading each {@link #READING}. While the budget is far from spent, an instance reserves a {@linkplain InstanceLease lease} of a
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
    /** A lease is being asked of Redis: other calls meanwhile reserve their own, rather than a lease each. */
    private final AtomicBoolean leasing = new AtomicBoolean();
    private final InstanceLease lease = new InstanceLease();
    private final PendingSettles unsent = new PendingSettles();

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
     * A reservation of {@code tokens} in the fleet's window, or a {@linkplain Reservation#denied denied} one. The
     * calls settled since the last run go with it.
     */
    Uni<Reservation> reserve(long tokens) {
        return reserve(tokens, 0);
    }

    /**
     * Taken from this instance's lease if it has room (no round trip); else, while the budget is far from spent and
     * no other call of this instance is asking for one, a new lease is taken for it; else the call's own
     * reservation. Once asked of Redis, a reservation is seen through even if the caller leaves (a deadline, a lost
     * hedge): a grant that comes too late is given back, not left counted for an hour.
     *
     * @param leastAfter the least a smaller reservation after a refusal could ask (0: none follows): a refusal
     *        turns the budget spent only if not even that would fit
     */
    Uni<Reservation> reserve(long tokens, long leastAfter) {
        if (!limited()) {
            return Uni.createFrom().item(Reservation.FREE);
        }
        Reservation local = lease.take(tokens);
        if (local != null) {
            return Uni.createFrom().item(local);
        }
        long leaseSize = Math.max(tokens, tokensPerHour / LEASES_PER_HOUR);
        boolean leaseIt = leaseSize > tokens && remaining.get() >= LEASES_LEFT_FOR_LEASING * leaseSize
                && leasing.compareAndSet(false, true);
        Uni<Reservation> asked = leaseIt
                ? reserveInRedis(leaseSize, tokens)
                        .eventually(() -> leasing.set(false))
                        .chain(granted -> granted.denied()
                                ? reserveInRedis(tokens, leastAfter)
                                : Uni.createFrom().item(() -> lease.replace(granted, tokens, unsent)))
                : reserveInRedis(tokens, leastAfter);
        Uni<Reservation> detached = asked.memoize().indefinitely();
        detached.subscribe().with(ignored -> {
        }, ignored -> {
        });
        AtomicBoolean taken = new AtomicBoolean();
        return detached.invoke(() -> taken.set(true))
                .onCancellation().invoke(() -> detached.subscribe().with(late -> {
                    if (!taken.get() && !late.denied()) {
                        settle(late, 0);
                    }
                }, ignored -> {
                }));
    }

    private Uni<Reservation> reserveInRedis(long tokens, long leastAfter) {
        return run(tokens, leastAfter).map(reply -> {
            long left = reply.get(1).toLong();
            Reservation reservation = reply.get(0).toInteger() == 1
                    ? new Reservation(reply.get(2).toLong(), tokens, null, left)
                    : Reservation.denied(left);
            int turn = reply.get(3).toInteger();
            if (turn != 0) {
                // Telling must not undo what Redis granted: a failure here is logged, not the reservation's.
                try {
                    turned.accept(new LlmBudgetTurned(turn == 1, tokensPerHour, Math.max(0, left), whenSpent));
                } catch (RuntimeException e) {
                    LOG.warnf("The LLM budget's turn could not be told: %s", e);
                }
            }
            return reservation;
        }).onFailure().recoverWithItem(failure -> {
            if (unreadable.compareAndSet(false, true)) {
                LlmLog.LOG.budgetUnreadable(FailureKind.of(failure));
            }
            return Reservation.denied(0);
        });
    }

    /**
     * Retires the lease (its unused tokens go back to the fleet), sends the calls settled since the last run and
     * reads the window: the gauge stays true while no call is made.
     */
    Uni<Void> refresh() {
        if (!limited()) {
            return Uni.createFrom().voidItem();
        }
        lease.retire(unsent);
        return run(0, 0).replaceWithVoid();
    }

    private Uni<Response> run(long tokens, long leastAfter) {
        List<String> args = new ArrayList<>(List.of(keys[0], keys[1], Long.toString(tokensPerHour),
                Long.toString(tokens), Integer.toString(bucketsBefore), Long.toString(bucketMs),
                Long.toString(Math.max(1, tokensPerHour / 10)), Long.toString(leastAfter)));
        // A bucket an hour old gets no more settles (a call lasts llm.deadline).
        Map<Long, Long> settling = unsent.takeInto(args, System.currentTimeMillis() / bucketMs - bucketsBefore - 2);
        return RESERVE.run(redis, 2, args.toArray(String[]::new))
                .invoke(reply -> {
                    unreadable.set(false);
                    remaining.set(Math.max(0, reply.get(1).toLong()));
                })
                .onFailure().invoke(() -> unsent.putBackAfterFailure(settling));
    }

    /**
     * The call is over and cost {@code tokens}: its reservation is to be replaced by that, with the next reservation
     * or reading (within {@link #READING}), whichever comes first; until then the worst case stays counted. A call of
     * the current lease gives back to the lease what it did not use; one of a retired lease, to the fleet.
     */
    void settle(Reservation reservation, long tokens) {
        long change = tokens - reservation.tokens();
        if (reservation.lease() != null && lease.settle(reservation.lease(), change)) {
            return;
        }
        if (reservation.bucket() >= 0) {
            unsent.add(reservation.bucket(), change);
        }
    }

    /**
     * Tokens held for one call in the window's bucket {@code bucket}, taken from a {@code lease} of this instance or
     * (null) reserved for the call itself.
     *
     * @param bucket negative when nothing was reserved ({@link #FREE}: no budget) or could be ({@link #denied})
     * @param left what the budget had left after it (as far as this instance knows)
     */
    record Reservation(long bucket, long tokens, InstanceLease.Lease lease, long left) {

        static final Reservation FREE = new Reservation(-1, 0, null, Long.MAX_VALUE);

        static Reservation denied(long left) {
            return new Reservation(-2, 0, null, left);
        }

        boolean denied() {
            return bucket == -2;
        }
    }
}
