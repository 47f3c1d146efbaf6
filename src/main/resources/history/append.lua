-- Appends one message to a conversation's history exactly once, in one atomic step.
-- KEYS[1] messages (list), KEYS[2] seen event ids (sorted set, scored by arrival), KEYS[3] arrival counter
-- ARGV[1] event id, ARGV[2] entry JSON, ARGV[3] max messages, ARGV[4] ttl seconds, ARGV[5] dedupe window
-- Returns 1 when appended, 0 when the event id was already stored (a redelivery).
local ttl = tonumber(ARGV[4])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[3], ttl)
  return 0
end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
return 1
