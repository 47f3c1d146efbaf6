-- A notification parked for its space, before its Kafka record is acknowledged: from here on it waits in Redis
-- (durable with Redis's append-only file), so the notifications topic's committed offset never waits for a space.
-- KEYS[1]: the space's queue (sorted set: id by arrival number); KEYS[2]: the parked entries (hash: id -> entry);
-- KEYS[3]: the space's counters (hash: seq, bytes); KEYS[4]: the settled mark of this dedupe-key.
-- ARGV[1]: the id (a UUID of the dedupe-key); ARGV[2]: the entry; ARGV[3]: most entries parked; ARGV[4]: most bytes.
-- Returns 'settled' (delivered or dead-lettered within the dedupe window), 'queued' (an entry of this dedupe-key
-- waits already), 'full' (the space's bounds are reached) or 'parked'. All keys share the space's hash tag.
if redis.call('EXISTS', KEYS[4]) == 1 then
    return 'settled'
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
    return 'queued'
end
local bytes = tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0')
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) or bytes + #ARGV[2] > tonumber(ARGV[4]) then
    return 'full'
end
local seq = redis.call('HINCRBY', KEYS[3], 'seq', 1)
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], 'bytes', #ARGV[2])
return 'parked'
