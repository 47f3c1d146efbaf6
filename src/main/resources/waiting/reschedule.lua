-- Gives a claimed analysis its next attempt time (and its updated JSON), if it is still waiting.
-- KEYS[1] due times, KEYS[2] waiting analyses; ARGV[1] id, ARGV[2] JSON, ARGV[3] next attempt (epoch ms)
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
