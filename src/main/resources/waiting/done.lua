-- Forgets an analysis that has been published (answered, or failed for good).
-- KEYS[1] due times, KEYS[2] waiting analyses; ARGV[1] id
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
