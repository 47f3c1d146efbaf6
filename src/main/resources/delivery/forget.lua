-- A unit never created (a digest Google rejected, or one given up): KEYS[1], the unit, is deleted, and of
-- the pointers KEYS[2..] those that still name it (ARGV[1], its requestId); a pointer since moved to another unit
-- is left to that unit.
redis.call('DEL', KEYS[1])
local forgotten = 0
for i = 2, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[1] then
        redis.call('DEL', KEYS[i])
        forgotten = forgotten + 1
    end
end
return forgotten
