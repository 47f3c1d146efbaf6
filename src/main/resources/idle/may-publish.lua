-- Just before a claimed idle analysis is published: may this instance publish it? Not when another instance holds
-- the claim on the same timer (this one's lease ran out, or it handed the claim back), nor when the analysis was
-- published already (by an instance that took the claim over and finished). A timer re-armed or disarmed since
-- leaves this trigger to no one else: it is published. A claim still held is renewed from now (Redis' clock).
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims, KEYS[4] the conversation's published analysis ids
-- (set); ARGV[1] slug, ARGV[2] last message's event id, ARGV[3] claimer token, ARGV[4] lease (ms), ARGV[5] the
-- analysis id
-- Returns 1: publish; 0: published already; -1: lost to another instance (or handed back).
if redis.call('SISMEMBER', KEYS[4], ARGV[5]) == 1 then
  return 0
end
local holder = redis.call('HGET', KEYS[3], ARGV[1])
if holder == ARGV[3] then
  local now = now_ms()
  redis.call('ZADD', KEYS[1], 'XX', tostring(now + tonumber(ARGV[4])), ARGV[1])
  return 1
end
local item = redis.call('HGET', KEYS[2], ARGV[1])
if item and cjson.decode(item).e == ARGV[2] then
  return -1
end
return 1
