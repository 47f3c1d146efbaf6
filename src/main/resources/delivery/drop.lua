-- Drops one parked entry nobody can read (written by another version, or damaged), so that it blocks nothing.
-- KEYS[1]: the queue; KEYS[2]: the parked entries; KEYS[3]: the space's counters. ARGV[1]: the entry's id.
local entry = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
if entry then
    redis.call('HDEL', KEYS[2], ARGV[1])
    redis.call('HINCRBY', KEYS[3], 'bytes', -#entry)
    return 1
end
return 0
