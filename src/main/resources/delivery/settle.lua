-- A message settled (accepted by Google, or its notifications dead-lettered or given up): its unit is deleted, the
-- pointers that still name it too, each of its dedupe-keys is marked settled (for the dedupe window: a redelivered
-- record is then not parked again) and its entry leaves the queue.
-- KEYS[1]: the unit; KEYS[2]: the queue; KEYS[3]: the parked entries; KEYS[4]: the space's counters; then for each
-- dedupe-key its pointer and its settled mark. ARGV[1]: the unit's requestId; ARGV[2]: the marks' TTL (ms); then
-- the id of each dedupe-key's entry. All keys share the space's hash tag. Returns how many entries left the queue.
redis.call('DEL', KEYS[1])
local removed = 0
for i = 0, (#KEYS - 4) / 2 - 1 do
    local pointer = KEYS[5 + 2 * i]
    if redis.call('GET', pointer) == ARGV[1] then
        redis.call('DEL', pointer)
    end
    redis.call('SET', KEYS[6 + 2 * i], '1', 'PX', ARGV[2])
    local id = ARGV[3 + i]
    local entry = redis.call('HGET', KEYS[3], id)
    if entry then
        redis.call('HDEL', KEYS[3], id)
        redis.call('ZREM', KEYS[2], id)
        redis.call('HINCRBY', KEYS[4], 'bytes', -#entry)
        removed = removed + 1
    end
end
return removed
