-- A message about to be POSTed, remembered so that whoever next holds its records sends exactly it again (same
-- body, same requestId: Google then returns the message created the first time). Fenced: only the holder of the
-- space's lease begins a message, and never over a pointer that names another message not settled (that one is
-- sent again instead), so two instances never send two compositions covering the same notification.
-- KEYS[1]: the space's lease; KEYS[2]: the unit (a hash); KEYS[3..]: one pointer per dedupe-key it covers.
-- ARGV[1]: the token of this instance; ARGV[2]: TTL (ms, the dedupe window); ARGV[3]: requestId; ARGV[4]: body;
-- ARGV[5]: the dedupe-keys (JSON array); ARGV[6]: 1 for a digest, else 0. All keys share the space's hash tag.
-- Returns {n} (pointers written), {-1} (the lease is not held by this instance) or {-2, requestId of the message
-- a pointer names}.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return {-1}
end
for i = 3, #KEYS do
    local current = redis.call('GET', KEYS[i])
    if current and current ~= ARGV[3] then
        return {-2, current}
    end
end
redis.call('HSET', KEYS[2], 'requestId', ARGV[3], 'body', ARGV[4], 'keys', ARGV[5], 'digest', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
for i = 3, #KEYS do
    redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[2])
end
return {#KEYS - 2}
