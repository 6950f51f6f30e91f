-- Decline ends a pending request unapproved: the slot is free at once, and
-- the record stays cancelled with why (declined or expired) in its flag and
-- the practice's message, if any, for the email that tells the client.
-- Declining a request already declined or expired changes nothing.
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] pending
-- ARGV[1] id  ARGV[2] now ms  ARGV[3] why  ARGV[4] message
-- Returns {'ok', changed (0|1), HGETALL}, {'notfound'} or {'notpending'}
-- (approved, or cancelled otherwise).

local key = KEYS[1] .. ARGV[1]
local f = redis.call('HMGET', key, 'status', 'flag')
if not f[1] then
  return {'notfound'}
end
if f[1] == 'cancelled' and (f[2] == 'declined' or f[2] == 'expired') then
  return {'ok', 0, redis.call('HGETALL', key)}
end
if f[1] ~= 'pending' then
  return {'notpending'}
end
redis.call('HSET', key, 'status', 'cancelled', 'flag', ARGV[3], 'reply', ARGV[4], 'updated', ARGV[2])
redis.call('HINCRBY', key, 'seq', 1)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return {'ok', 1, redis.call('HGETALL', key)}
