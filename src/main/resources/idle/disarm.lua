-- A conversation.closed or analysis.requested: the conversation is disarmed if the trigger came after its last
-- stored message (a redelivered trigger older than a newer message leaves the newer timer alone).
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims, KEYS[4] failed attempts; ARGV[1] slug, ARGV[2]
-- the trigger's partition, ARGV[3] the trigger's offset
-- Returns 1 when disarmed, 0 otherwise.
local item = redis.call('HGET', KEYS[2], ARGV[1])
if not item then
  return 0
end
local armed = cjson.decode(item)
if armed.p == tonumber(ARGV[2]) and armed.o > tonumber(ARGV[3]) then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
