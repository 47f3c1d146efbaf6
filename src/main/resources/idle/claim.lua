-- Claims conversations of one shard whose idle timer is due, for one instance: their due time moves to the end of a
-- lease (no other instance takes them meanwhile; if the claimer dies they fall due again) and the claim is noted.
-- Times are Redis' own clock (TIME), as for every step of the schedule: instances whose clocks disagree still
-- agree on what is due and on when a lease ends.
-- KEYS[1] due times (sorted set), KEYS[2] armed conversations (hash), KEYS[3] claims (hash: slug -> claimer token),
-- KEYS[4] failed attempts (hash: slug -> "count eventId")
-- ARGV[1] most to claim, ARGV[2] lease (ms), ARGV[3] claimer token
-- Returns {armed, slug, JSON, due, slug, JSON, due, ...}: armed = conversations armed in this shard.
local now = now_ms()
local leaseEnd = tostring(now + tonumber(ARGV[2]))
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', tostring(now), 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
local claimed = {0}
for i = 1, #ids, 2 do
  local slug = ids[i]
  local item = redis.call('HGET', KEYS[2], slug)
  if item then
    redis.call('ZADD', KEYS[1], leaseEnd, slug)
    redis.call('HSET', KEYS[3], slug, ARGV[3])
    claimed[#claimed + 1] = slug
    claimed[#claimed + 1] = item
    claimed[#claimed + 1] = ids[i + 1]
  else
    redis.call('ZREM', KEYS[1], slug)
    redis.call('HDEL', KEYS[3], slug)
    redis.call('HDEL', KEYS[4], slug)
  end
end
claimed[1] = redis.call('HLEN', KEYS[2])
return claimed
