-- Busy lists the occupied spans of live bookings meeting [from, to), in one
-- round trip, using the same start window as the overlap check.
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] span
-- ARGV[1] from ms  ARGV[2] to ms
-- Returns {start1, occupied end1, start2, ...} in ms, by start.

local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local span = redis.call('GET', KEYS[3])
local min = '-inf'
if span then
  min = '(' .. string.format('%d', from - tonumber(span))
end
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], min, '(' .. ARGV[2])) do
  local f = redis.call('HMGET', KEYS[1] .. id, 'start', 'end', 'buffer')
  if f[1] then
    local occend = tonumber(f[2]) + tonumber(f[3])
    if occend > from then
      out[#out + 1] = tonumber(f[1])
      out[#out + 1] = occend
    end
  end
end
return out
