-- The fleet's LLM token budget, one hash for every instance: KEYS[1]. Fields: 'total' (tokens counted in the
-- window: settled calls, and reservations not settled yet), 'oldest' (the oldest bucket still counted), 'b<n>'
-- (the tokens of bucket n: Redis time in ms divided by the bucket's length); it expires when unused for a window.
-- KEYS[2], without expiry, is set while the fleet has been told the budget is spent. The window is the current
-- bucket and the ARGV[3] before it, so every sliding hour ending now is inside it (it errs by at most one bucket,
-- towards spending less).
-- ARGV[1]: the budget (tokens in the window); ARGV[2]: the tokens to reserve (a call's worst case; 0 only settles
-- and reads); ARGV[3]: buckets before the current one; ARGV[4]: a bucket's length (ms); ARGV[5]: tokens free that
-- make a spent budget "free again" (so it does not flap at the edge); ARGV[6]: the least a smaller try after a
-- refusal could ask, 0 if there is none: a refusal turns the budget spent only if not even that fits; then pairs
-- of a bucket and a change: calls
-- settled since the last run, what they cost minus what they reserved there (a bucket that has left the window
-- counts no more, so nothing changes for it).
-- Returns {granted (1 or 0), tokens left after it, its bucket, turned: 1 spent now, 2 free again, 0 neither}.
local limit = tonumber(ARGV[1])
local want = tonumber(ARGV[2])
local before = tonumber(ARGV[3])
local bucket_ms = tonumber(ARGV[4])
local current = math.floor(now_ms() / bucket_ms)
local first = current - before
local oldest = tonumber(redis.call('HGET', KEYS[1], 'oldest') or current)
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if oldest < first - before then
  -- Unused for longer than a window: nothing in it counts any more.
  redis.call('DEL', KEYS[1])
  total = 0
  oldest = first
end
while oldest < first do
  local field = 'b' .. oldest
  total = total - tonumber(redis.call('HGET', KEYS[1], field) or '0')
  redis.call('HDEL', KEYS[1], field)
  oldest = oldest + 1
end
for i = 7, #ARGV - 1, 2 do
  local field = 'b' .. ARGV[i]
  if redis.call('HEXISTS', KEYS[1], field) == 1 then
    redis.call('HINCRBY', KEYS[1], field, ARGV[i + 1])
    total = total + tonumber(ARGV[i + 1])
  end
end
local granted = 0
local turned = 0
local least_after = tonumber(ARGV[6])
if want > 0 then
  if total + want <= limit then
    granted = 1
    total = total + want
    redis.call('HINCRBY', KEYS[1], 'b' .. current, want)
    if limit - total >= tonumber(ARGV[5]) and redis.call('DEL', KEYS[2]) == 1 then
      turned = 2
    end
  elseif (least_after == 0 or limit - total < least_after) and redis.call('SETNX', KEYS[2], '1') == 1 then
    turned = 1
  end
end
redis.call('HSET', KEYS[1], 'total', total, 'oldest', oldest)
redis.call('PEXPIRE', KEYS[1], (before + 2) * bucket_ms)
return {granted, limit - total, current, turned}
