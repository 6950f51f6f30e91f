-- Release removes a held booking (or a pending request) and every index entry of it: its confirm
-- task could not be enqueued, so the client never heard of it.
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] all  KEYS[4] held
-- KEYS[5] pending
-- ARGV[1] id
-- Returns {'ok'}, {'notfound'} or {'notheld'}.

local key = KEYS[1] .. ARGV[1]
local status = redis.call('HGET', key, 'status')
if not status then
  return {'notfound'}
end
-- A confirmed booking has had its invite sent: removing it would leave the
-- client with an appointment the practice no longer knows.
if status ~= 'held' and status ~= 'pending' then
  return {'notheld'}
end
redis.call('DEL', key)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return {'ok'}
