-- An idle analysis was published (or is not needed): the conversation is disarmed, unless a new message re-armed it
-- meanwhile (then its new timer stands), and the claim is forgotten.
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims, KEYS[4] failed attempts; ARGV[1] slug, ARGV[2]
-- last message's event id, ARGV[3] claimer token
-- Returns 1 when the claim was still this instance's; 0 when it was dropped by a new message, a close or a request
-- (moot, not lost); -1 when another instance holds a claim on the same timer (lost).
local holder = redis.call('HGET', KEYS[3], ARGV[1])
local mine = holder == ARGV[3]
if mine then
  redis.call('HDEL', KEYS[3], ARGV[1])
end
local item = redis.call('HGET', KEYS[2], ARGV[1])
local same = item and cjson.decode(item).e == ARGV[2]
if same then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
end
if mine then
  return 1
end
if same and holder then
  return -1
end
return 0
