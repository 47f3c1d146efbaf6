-- Claims waiting analyses whose attempt is due, for one instance: their due time moves to the end of a lease, so no
-- other instance takes them meanwhile; if the claimer dies, they fall due again when the lease ends. The claim
-- notes the claimer's token (an older instance, which does not, leaves a stale or no token: it never reads them).
-- KEYS[1] due times, KEYS[2] waiting analyses, KEYS[3] claims (hash: id -> claimer token); ARGV[1] now (epoch ms),
-- ARGV[2] most to claim, ARGV[3] lease end, ARGV[4] claimer token
-- Returns id, JSON, id, JSON, ... of the claimed analyses.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for _, id in ipairs(ids) do
  local item = redis.call('HGET', KEYS[2], id)
  if item then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = item
  else
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return claimed
