-- Before a claimed idle analysis starts: is the claim still this instance's, and the conversation still armed on
-- the same last message? If so the lease is renewed from now (Redis' clock).
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims; ARGV[1] slug, ARGV[2] last message's event id,
-- ARGV[3] claimer token, ARGV[4] lease (ms)
-- Returns {outcome, now (epoch ms, Redis' clock)}; outcome 1: go on; 0: disarmed or re-armed since (a close, a
-- request, a new message): nothing to do; -1: the lease ran out and another instance claimed it.
local now = now_ms()
-- Disarmed or re-armed first: a close or a new message also drops the claim, and that is not a claim lost.
local item = redis.call('HGET', KEYS[2], ARGV[1])
if not item or cjson.decode(item).e ~= ARGV[2] then
  if redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[3] then
    redis.call('HDEL', KEYS[3], ARGV[1])
  end
  return {0, now}
end
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[3] then
  return {-1, now}
end
redis.call('ZADD', KEYS[1], tostring(now + tonumber(ARGV[4])), ARGV[1])
return {1, now}
