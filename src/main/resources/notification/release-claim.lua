-- Gives back an attention claim, only if this analysis holds it (another may have taken it since it expired).
-- KEYS[1] the conversation's claim; ARGV[1] the analysis id
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
