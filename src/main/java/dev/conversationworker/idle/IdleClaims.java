package dev.conversationworker.idle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.schedule.LeasedSchedule;

/**
 * The idle schedule as one {@link LeasedSchedule}, over its {@link HistoryKeys#SHARDS} shards: a claim visits shards
 * one script each, starting at a shard that moves on each claim (so none is left behind), until enough are claimed
 * or all were visited; a renewal is one script per shard. It also keeps how many conversations each shard held armed
 * when last visited (for the gauge).
 */
public final class IdleClaims implements LeasedSchedule<ClaimedConversation> {

    private final IdleSchedule schedule;
    private final Duration lease;
    /** Conversations armed per shard, as the last claim on each shard counted them. */
    private final AtomicLongArray armed = new AtomicLongArray(HistoryKeys.SHARDS);
    private volatile int nextShard = ThreadLocalRandom.current().nextInt(HistoryKeys.SHARDS);

    public IdleClaims(IdleSchedule schedule, Duration lease) {
        this.schedule = schedule;
        this.lease = lease;
    }

    /** Conversations whose idle timer runs, in all instances, as the shards last visited counted them. */
    public long armed() {
        long sum = 0;
        for (int i = 0; i < armed.length(); i++) {
            sum += armed.get(i);
        }
        return sum;
    }

    @Override
    public Uni<List<ClaimedConversation>> claimDue(int max) {
        int first = nextShard;
        nextShard = (first + 1) % HistoryKeys.SHARDS;
        return claimFrom(first, 0, max, new ArrayList<>());
    }

    private Uni<List<ClaimedConversation>> claimFrom(int shard, int visited, int room,
            List<ClaimedConversation> taken) {
        if (visited >= HistoryKeys.SHARDS || room <= 0) {
            return Uni.createFrom().item(taken);
        }
        return schedule.claimDue(shard, room, lease).chain(claimed -> {
            armed.set(claimed.shard(), claimed.armed());
            taken.addAll(claimed.conversations());
            return claimFrom((shard + 1) % HistoryKeys.SHARDS, visited + 1, room - claimed.conversations().size(),
                    taken);
        });
    }

    @Override
    public Uni<Void> renew(Collection<ClaimedConversation> held) {
        Map<Integer, List<String>> byShard = new HashMap<>();
        held.forEach(claimed -> byShard.computeIfAbsent(claimed.shard().index(), shard -> new ArrayList<>())
                .add(claimed.slug()));
        List<Uni<Void>> renewals = new ArrayList<>();
        byShard.forEach((shard, slugs) -> renewals.add(schedule.renew(shard, slugs, lease)));
        return renewals.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(renewals).andCollectFailures().replaceWithVoid();
    }

    @Override
    public Uni<Void> release(ClaimedConversation claimed) {
        return schedule.release(claimed);
    }

    @Override
    public String idOf(ClaimedConversation claimed) {
        return claimed.shard().index() + "/" + claimed.slug();
    }
}
