-- The schedule of one space, shared by every instance: KEYS[1] holds the earliest time (ms, Redis clock) the
-- next message may go. ARGV[1]: the interval between two messages (ms); ARGV[2]: a pause to add from now (ms, 0
-- for none: after a 429); ARGV[3]: the longest pause an answer may impose (ms, delivery.max-retry-after). A
-- schedule found further ahead than that pause and one interval (pushed by an older version, say) is brought back.
-- Reserves the next slot and returns how long (ms) to wait for it.
local now = now_ms()
local interval = tonumber(ARGV[1])
local cap = tonumber(ARGV[3])
local free = math.min(tonumber(redis.call('GET', KEYS[1]) or '0'), now + cap + interval)
local at = math.max(now + math.min(tonumber(ARGV[2]), cap), free)
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', tostring(at - now + interval + 60000))
return at - now
