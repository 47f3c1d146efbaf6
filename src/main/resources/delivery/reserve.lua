-- The schedule of one space, shared by every instance: KEYS[1] holds the earliest time (ms, Redis clock) the
-- next message may go. ARGV[1]: the interval between two messages (ms); ARGV[2]: a pause to add from now (ms, 0
-- for none: after a 429). Reserves the next slot and returns how long (ms) to wait for it.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now + tonumber(ARGV[2]), free)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', tostring(at - now + interval + 60000))
return at - now
