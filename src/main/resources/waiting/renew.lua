-- Extends the leases of analyses an instance is still working on (a publication being retried through a Kafka
-- outage, say), so that no other instance claims them meanwhile. Only those still waiting and still claimed by
-- this instance: a claim another instance took over is its own.
-- KEYS[1] due times, KEYS[2] waiting analyses, KEYS[3] claims; ARGV[1] new lease end (epoch ms), ARGV[2] claimer
-- token, ARGV[3..] ids
-- Returns how many were renewed.
local renewed = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[3], ARGV[i]) == ARGV[2] and redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
