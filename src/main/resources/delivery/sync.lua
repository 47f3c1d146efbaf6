-- One instance delivers a space at a time: the holder of its lease. Reports the space's backlog, takes the lease
-- when it is free or renews it when held by this instance (ARGV[1], its token), and then loads the entries that
-- arrived after the last one loaded.
-- KEYS[1]: the lease; KEYS[2]: the queue (sorted set: id by arrival number); KEYS[3]: the parked entries (hash).
-- ARGV[1]: token; ARGV[2]: lease (ms); ARGV[3]: load entries with an arrival number above it; ARGV[4]: most entries
-- to load; ARGV[5]: most bytes to load; ARGV[6]: 1 to load one entry even when it alone exceeds ARGV[5].
-- Returns {0 (another instance holds the lease), 1 (renewed) or 2 (taken), the backlog, the timestamp (ms) of the
-- oldest entry or -1, then seq, id, entry for each entry loaded}. All keys share the space's hash tag.
local result = {0, redis.call('ZCARD', KEYS[2]), -1}
local head = redis.call('ZRANGE', KEYS[2], 0, 0)
if head[1] then
    local entry = redis.call('HGET', KEYS[3], head[1])
    local ts = entry and string.match(entry, '^{"ts":(%d+)')
    if ts then
        result[3] = tonumber(ts)
    end
end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
    return result
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
result[1] = holder and 1 or 2
local most = tonumber(ARGV[4])
if most <= 0 then
    return result
end
local room = tonumber(ARGV[5])
local oversized = ARGV[6] == '1'
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[3], '+inf', 'WITHSCORES', 'LIMIT', 0, most)
for i = 1, #ids, 2 do
    local entry = redis.call('HGET', KEYS[3], ids[i])
    if entry then
        if #entry > room and not (oversized and #result == 3) then
            break
        end
        room = room - #entry
        result[#result + 1] = ids[i + 1]
        result[#result + 1] = ids[i]
        result[#result + 1] = entry
    end
end
return result
