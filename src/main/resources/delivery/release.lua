-- Gives a space's lease back (at shutdown), if this instance (ARGV[1], its token) still holds it. KEYS[1]: the lease.
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
