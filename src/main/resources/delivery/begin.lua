-- A message about to be POSTed, remembered so that whoever next holds its records sends exactly it again (same
-- body, same requestId: Google then returns the message created the first time). KEYS[1]: the unit (a hash);
-- KEYS[2..]: one pointer per dedupe-key it covers. ARGV[1]: TTL (ms, the dedupe window); ARGV[2]: requestId;
-- ARGV[3]: body; ARGV[4]: the dedupe-keys (JSON array); ARGV[5]: 1 for a digest, else 0. All keys share a hash tag.
redis.call('HSET', KEYS[1], 'requestId', ARGV[2], 'body', ARGV[3], 'keys', ARGV[4], 'digest', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
for i = 2, #KEYS do
    redis.call('SET', KEYS[i], ARGV[2], 'PX', ARGV[1])
end
return #KEYS - 1
