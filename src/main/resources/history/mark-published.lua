-- Remembers that an analysis was published, for as long as the conversation's history is kept.
-- KEYS[1] published analysis ids (set); ARGV[1] analysis id, ARGV[2] ttl seconds
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
