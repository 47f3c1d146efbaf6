-- Renews a space's lease while this instance (ARGV[1], its token) holds it; KEYS[1]: the lease, ARGV[2]: its
-- length (ms). Returns 0 when another instance holds it (or nobody: it ran out), so the caller stops delivering.
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
return 0
