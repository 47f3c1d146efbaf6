-- Parks an analysis that could not reach any LLM, unless it is already waiting or too many are.
-- KEYS[1] due times (sorted set: id -> epoch ms of the next attempt), KEYS[2] waiting analyses (hash: id -> JSON),
-- KEYS[3] claims (hash: id -> claimer token)
-- ARGV[1] id, ARGV[2] JSON, ARGV[3] first attempt (epoch ms), ARGV[4] most analyses allowed to wait
-- Returns 1 when parked, 0 when already waiting (a redelivered trigger keeps its first wait), -1 when full.
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return -1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
-- A claim left by an older instance's done (which does not know claims) must not pass for a claim of this wait.
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
