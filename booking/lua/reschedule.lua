-- Reschedule moves a live booking, keeping its buffer: the new span is
-- checked against every other live booking and written in the same script.
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] all  KEYS[4] span
-- KEYS[5] run-time time off  KEYS[6] own calendars' busy copies
-- ARGV[1] id  ARGV[2] new start ms  ARGV[3] new end ms  ARGV[4] now ms
-- ARGV[5] the new start's local date ('' checks no time off)  ARGV[6..]
-- the own-calendar feed keys to check
-- Returns {'ok', changed (0|1), HGETALL}, {'notfound'}, {'notlive'},
-- {'taken'}, {'off'} or {'busy'}.

local prefix, id = KEYS[1], ARGV[1]
local key = prefix .. id
local f = redis.call('HMGET', key, 'status', 'start', 'end', 'buffer')
if not f[1] then
  return {'notfound'}
end
if f[1] == 'cancelled' then
  return {'notlive'}
end
-- Moving to where it already is (a repeated request) is no change, and
-- must not raise the sequence and send the client another update.
if f[2] == ARGV[2] and f[3] == ARGV[3] then
  return {'ok', 0, redis.call('HGETALL', key)}
end

local start = tonumber(ARGV[2])
local occend = tonumber(ARGV[3]) + tonumber(f[4])
if conflict(prefix, KEYS[2], KEYS[4], start, occend, id) then
  return {'taken'}
end
if timeoff(KEYS[5], ARGV[5], start, tonumber(ARGV[3])) then
  return {'off'}
end
local feeds = {}
for i = 6, #ARGV do
  feeds[#feeds + 1] = ARGV[i]
end
if ownbusy(KEYS[6], feeds, start, occend) then
  return {'busy'}
end
redis.call('HSET', key, 'start', ARGV[2], 'end', ARGV[3], 'updated', ARGV[4])
redis.call('HINCRBY', key, 'seq', 1)
redis.call('ZADD', KEYS[2], ARGV[2], id)
redis.call('ZADD', KEYS[3], ARGV[2], id)
widen(KEYS[4], occend - start)
return {'ok', 1, redis.call('HGETALL', key)}
