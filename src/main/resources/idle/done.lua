-- An idle analysis was published (or is not needed): the conversation is disarmed, unless a new message re-armed it
-- meanwhile (then its new timer stands), and the claim is forgotten.
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims; ARGV[1] slug, ARGV[2] last message's event id,
-- ARGV[3] claimer token
-- Returns 1 when the claim was still this instance's, -1 when another instance had claimed it since.
local mine = redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[3]
if mine then
  redis.call('HDEL', KEYS[3], ARGV[1])
end
local item = redis.call('HGET', KEYS[2], ARGV[1])
if item and cjson.decode(item).e == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
if mine then
  return 1
end
return -1
