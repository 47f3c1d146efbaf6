-- Gives an analysis this instance claimed its next attempt time (and its updated JSON), if it is still waiting and
-- still this instance's claim; the claim ends (the analysis is due for anyone then).
-- KEYS[1] due times, KEYS[2] waiting analyses, KEYS[3] claims; ARGV[1] id, ARGV[2] JSON, ARGV[3] next attempt
-- (epoch ms), ARGV[4] claimer token
-- Returns 1 when rescheduled, 0 when no longer waiting, -1 when another instance holds the claim.
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  return 0
end
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[4] then
  return -1
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
