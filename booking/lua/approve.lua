-- Approve turns a pending request into a held booking: from here the
-- confirm task sends the invite as for any booking. Approving a request
-- already approved changes nothing.
--
-- KEYS[1] booking key prefix  KEYS[2] held  KEYS[3] pending
-- ARGV[1] id  ARGV[2] now ms
-- Returns {'ok', changed (0|1), HGETALL}, {'notfound'} or {'notpending'}
-- (declined or expired).

local key = KEYS[1] .. ARGV[1]
local status = redis.call('HGET', key, 'status')
if not status then
  return {'notfound'}
end
if status == 'held' or status == 'confirmed' then
  return {'ok', 0, redis.call('HGETALL', key)}
end
if status ~= 'pending' then
  return {'notpending'}
end
redis.call('HSET', key, 'status', 'held', 'updated', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return {'ok', 1, redis.call('HGETALL', key)}
