-- Claims conversations of one shard whose idle timer is due, for one instance: their due time moves to the end of a
-- lease (no other instance takes them meanwhile; if the claimer dies they fall due again) and the claim is noted.
-- KEYS[1] due times (sorted set), KEYS[2] armed conversations (hash), KEYS[3] claims (hash: slug -> claimer token)
-- ARGV[1] now (epoch ms), ARGV[2] most to claim, ARGV[3] lease end (epoch ms), ARGV[4] claimer token
-- Returns {armed, slug, JSON, due, slug, JSON, due, ...}: armed = conversations armed in this shard.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {0}
for i = 1, #ids, 2 do
  local slug = ids[i]
  local item = redis.call('HGET', KEYS[2], slug)
  if item then
    redis.call('ZADD', KEYS[1], ARGV[3], slug)
    redis.call('HSET', KEYS[3], slug, ARGV[4])
    claimed[#claimed + 1] = slug
    claimed[#claimed + 1] = item
    claimed[#claimed + 1] = ids[i + 1]
  else
    redis.call('ZREM', KEYS[1], slug)
    redis.call('HDEL', KEYS[3], slug)
  end
end
claimed[1] = redis.call('HLEN', KEYS[2])
return claimed
