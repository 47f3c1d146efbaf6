-- Appends one message to a conversation's history exactly once, and arms the conversation's idle timer, in one
-- atomic step (every key shares the conversation's shard hash tag, so this holds on Redis Cluster too).
-- KEYS[1] messages (list), KEYS[2] seen event ids (sorted set, scored by arrival), KEYS[3] arrival counter,
-- KEYS[4] the shard's idle due times (sorted set: slug -> epoch ms), KEYS[5] the shard's armed conversations
-- (hash: slug -> JSON of the last message: conversation id, event id, partition, offset, stored at), KEYS[6] the
-- shard's idle claims (hash: slug -> claimer token)
-- ARGV[1] event id, ARGV[2] entry JSON, ARGV[3] max messages, ARGV[4] ttl seconds, ARGV[5] dedupe window,
-- ARGV[6] idle-after in ms (0: no idle timer), ARGV[7] conversation slug, ARGV[8] arm JSON, ending in "t":0} (the
-- time it was stored, set here)
-- The timer falls due idle-after from now on Redis' clock (TIME), the one clock every instance shares.
-- Returns {1, sequence} when appended, {0, sequence} when the event id was already stored (a redelivery: it arms
-- nothing, so a conversation closed since is not re-armed); sequence = the message's arrival number (1, 2, ...).
local ttl = tonumber(ARGV[4])
local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
if seen then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
  return {0, tonumber(seen)}
end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
local idleAfter = tonumber(ARGV[6])
if idleAfter > 0 then
  local now = tostring(now_ms())
  local armed = string.gsub(ARGV[8], '"t":0}$', '"t":' .. now .. '}')
  redis.call('HSET', KEYS[5], ARGV[7], armed)
  redis.call('ZADD', KEYS[4], tostring(tonumber(now) + idleAfter), ARGV[7])
  -- A claim on the previous message is void: its holder may no longer renew or release this timer (that would
  -- bring the new one forward); its confirm finds the conversation re-armed and does nothing.
  redis.call('HDEL', KEYS[6], ARGV[7])
  -- The shard's schedule lives as long as its newest conversation's history (an armed entry falls due before).
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('EXPIRE', KEYS[5], ttl)
  redis.call('EXPIRE', KEYS[6], ttl)
end
return {1, seq}
