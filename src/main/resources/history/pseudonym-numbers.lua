-- The number of each personal value's placeholder in one conversation, the same in every analysis of it: a value
-- seen before keeps its number, a new one gets the next number of its kind. Atomic, so two analyses racing (a
-- rebalance) cannot give one number to two values. Values are fingerprints (hashes), never the values themselves.
-- KEYS[1] the conversation's table (hash: "<KIND>|<fingerprint>" -> n, "#<KIND>" -> last n)
-- ARGV[1] ttl seconds (the history's), ARGV[2..] "<KIND>|<fingerprint>" in order of first appearance
local numbers = {}
for i = 2, #ARGV do
  local field = ARGV[i]
  local n = redis.call('HGET', KEYS[1], field)
  if not n then
    local kind = string.sub(field, 1, string.find(field, '|', 1, true) - 1)
    n = redis.call('HINCRBY', KEYS[1], '#' .. kind, 1)
    redis.call('HSET', KEYS[1], field, n)
  end
  numbers[#numbers + 1] = tonumber(n)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return numbers
