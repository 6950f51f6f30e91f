-- Fetch returns whole booking records from one index in one round trip:
-- from a sorted set by start when a score range is given, else from a set.
--
-- KEYS[1] booking key prefix  KEYS[2] index
-- ARGV[1] min score, ARGV[2] max score (both absent for a set)
-- Returns a list of HGETALL replies; ids without a record are skipped.

local ids
if ARGV[1] then
  ids = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[2])
else
  ids = redis.call('SMEMBERS', KEYS[2])
end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', KEYS[1] .. id)
  if #h > 0 then
    out[#out + 1] = h
  end
end
return out
