-- Forgets an analysis that has been published (answered, or failed for good), and its claim.
-- KEYS[1] due times, KEYS[2] waiting analyses, KEYS[3] claims; ARGV[1] id
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
