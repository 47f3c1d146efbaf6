-- Renews this instance's claims on idle conversations (the analyses it holds, queued or running), so that a short
-- lease suffices: an instance that dies stops renewing, and its claims fall due again one lease later.
-- KEYS[1] due times, KEYS[2] claims; ARGV[1] claimer token, ARGV[2] lease (ms, from now on Redis' clock),
-- ARGV[3..] slugs
-- Returns how many claims were still this instance's.
local leaseEnd = tostring(now_ms() + tonumber(ARGV[2]))
local renewed = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', leaseEnd, ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
