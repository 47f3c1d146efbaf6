-- One more occurrence of an alarm's cause, counted for every instance together. KEYS[1]: the alarm's current window,
-- a hash of 'start' (Redis time, ms, of the window's first occurrence) and 'count'; it expires with the window, so
-- the next occurrence after it opens a new one. ARGV[1]: the window's length (ms). Returns {count, start}.
local start = redis.call('HGET', KEYS[1], 'start')
if not start then
  start = tostring(now_ms())
  redis.call('HSET', KEYS[1], 'start', start, 'count', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {redis.call('HINCRBY', KEYS[1], 'count', 1), start}
