-- A call reserved in bucket ARGV[1] of the fleet's LLM budget (KEYS[1], see budget-reserve.lua) is over: ARGV[2]
-- is what it really cost minus what it reserved (usually negative: its worst case was reserved). A bucket that has
-- left the window counts no more, so nothing is changed for it.
local field = 'b' .. ARGV[1]
if redis.call('HEXISTS', KEYS[1], field) == 1 then
  redis.call('HINCRBY', KEYS[1], field, ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'total', ARGV[2])
end
return 0
