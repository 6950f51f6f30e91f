-- Cancel frees the slot at once; the record stays for the practice, with a
-- higher sequence so calendar clients accept the METHOD:CANCEL.
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] held  KEYS[4] pending
-- ARGV[1] id  ARGV[2] now ms  ARGV[3] '1': the client cancelled inside the
-- late-cancel window, recorded as a late cancel
-- Returns {'ok', changed (0|1), HGETALL} or {'notfound'}.

local key = KEYS[1] .. ARGV[1]
local status = redis.call('HGET', key, 'status')
if not status then
  return {'notfound'}
end
if status == 'cancelled' then
  return {'ok', 0, redis.call('HGETALL', key)}
end
redis.call('HSET', key, 'status', 'cancelled', 'updated', ARGV[2])
redis.call('HINCRBY', key, 'seq', 1)
if ARGV[3] == '1' then
  redis.call('HSET', key, 'late', '1')
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return {'ok', 1, redis.call('HGETALL', key)}
