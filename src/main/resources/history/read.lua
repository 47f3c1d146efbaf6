-- Reads a conversation as it stood at a trigger: the messages stored before the trigger's offset (a redelivered
-- trigger must not see messages produced after it), the most recent first, only as many as fill the formatting
-- budget. Walks from the tail with LINDEX, so a long history costs only what is returned.
-- KEYS[1] messages (list)
-- ARGV[1] trigger partition, ARGV[2] trigger offset (-1: unknown, read up to the end), ARGV[3] budget in characters,
-- ARGV[4] the most characters of one message the formatter uses (a longer text fills only that much of the budget)
-- Returns {count, unplaced, entry, entry, ...}: count = messages before the trigger (the conversation's length
-- then); unplaced = entries read whose position is unknown (older format, other partition, unreadable), which are
-- taken as earlier; entries oldest first.
local partition = tonumber(ARGV[1])
local trigger = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local perMessage = tonumber(ARGV[4])
local n = redis.call('LLEN', KEYS[1])
local count = 0
local unplaced = 0
local used = 0
local newestFirst = {}
for i = -1, -n, -1 do
  local raw = redis.call('LINDEX', KEYS[1], i)
  local ok, entry = pcall(cjson.decode, raw)
  local placed = ok and type(entry) == 'table' and entry.partition == partition and type(entry.offset) == 'number'
  if trigger < 0 or not placed or entry.offset < trigger then
    if count == 0 then
      -- Appends follow offset order, so everything from here to the head came before the trigger.
      count = n + i + 1
    end
    if used >= budget then
      break
    end
    if not placed then
      unplaced = unplaced + 1
    end
    newestFirst[#newestFirst + 1] = raw
    local text = (ok and type(entry) == 'table' and type(entry.text) == 'string') and entry.text or raw
    -- Characters, not bytes: count the bytes that start a UTF-8 sequence.
    local _, chars = string.gsub(text, '[^\128-\191]', '')
    used = used + math.min(chars, perMessage)
  end
end
local result = {count, unplaced}
for j = #newestFirst, 1, -1 do
  result[#result + 1] = newestFirst[j]
end
return result
