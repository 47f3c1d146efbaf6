-- Extends the leases of analyses an instance is still working on (a publication being retried through a Kafka
-- outage, say), so that no other instance claims them meanwhile. Only those still waiting.
-- KEYS[1] due times, KEYS[2] waiting analyses; ARGV[1] new lease end (epoch ms), ARGV[2..] ids
local renewed = 0
for i = 2, #ARGV do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
