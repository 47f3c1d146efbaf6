-- A claimed idle analysis failed (for a reason no retry inside the analysis could mend): one more failed attempt is
-- counted for this timer. Below the most attempts, the claim is dropped and the conversation falls due again after
-- a pause (Redis' clock), for any instance; at the most, the claim stays this instance's, to give up and publish it
-- as failed.
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims, KEYS[4] failed attempts (hash: slug -> "count
-- eventId"); ARGV[1] slug, ARGV[2] last message's event id, ARGV[3] claimer token, ARGV[4] most attempts,
-- ARGV[5] pause before the next attempt (ms), ARGV[6] how long the count is kept (ms)
-- Returns the failed attempts of this timer so far (1, 2, ...); 0 when it was re-armed or disarmed since (moot);
-- -1 when another instance holds the claim.
local item = redis.call('HGET', KEYS[2], ARGV[1])
local holder = redis.call('HGET', KEYS[3], ARGV[1])
if not item or cjson.decode(item).e ~= ARGV[2] then
  if holder == ARGV[3] then
    redis.call('HDEL', KEYS[3], ARGV[1])
  end
  return 0
end
if holder ~= ARGV[3] then
  return -1
end
local attempts = 1
local before = redis.call('HGET', KEYS[4], ARGV[1])
if before then
  local count, event = string.match(before, '^(%d+) (.*)$')
  if event == ARGV[2] then
    attempts = tonumber(count) + 1
  end
end
redis.call('HSET', KEYS[4], ARGV[1], attempts .. ' ' .. ARGV[2])
redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[6]))
if attempts < tonumber(ARGV[4]) then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZADD', KEYS[1], tostring(now_ms()
      + tonumber(ARGV[5])), ARGV[1])
end
return attempts
