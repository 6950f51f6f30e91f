-- Confirm marks a held booking confirmed once its invite is out. The
-- sequence guards against a confirm task for a time the booking no longer
-- has; a repeat of a done confirm changes nothing.
--
-- KEYS[1] booking key prefix  KEYS[2] held
-- ARGV[1] id  ARGV[2] expected seq  ARGV[3] now ms
-- Returns {'ok', changed (0|1), HGETALL}, {'notfound'}, {'notlive'} or {'stale'}.

local key = KEYS[1] .. ARGV[1]
local f = redis.call('HMGET', key, 'status', 'seq')
if not f[1] then
  return {'notfound'}
end
if f[1] == 'cancelled' then
  return {'notlive'}
end
if f[2] ~= ARGV[2] then
  return {'stale'}
end
if f[1] == 'confirmed' then
  return {'ok', 0, redis.call('HGETALL', key)}
end
redis.call('HSET', key, 'status', 'confirmed', 'updated', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
return {'ok', 1, redis.call('HGETALL', key)}
