-- A claimed conversation this instance will not analyse after all (it is stopping): due again at once (Redis'
-- clock), for others.
-- KEYS[1] due times, KEYS[2] armed conversations, KEYS[3] claims; ARGV[1] slug, ARGV[2] claimer token
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], tostring(now_ms()), ARGV[1])
end
return 1
