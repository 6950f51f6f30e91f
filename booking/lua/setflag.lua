-- SetFlag notes something the therapist should see on a booking. A script,
-- so that flagging a booking just released cannot recreate half of it.
--
-- KEYS[1] booking key prefix
-- ARGV[1] id  ARGV[2] flag  ARGV[3] now ms
-- Returns {'ok'} or {'notfound'}.

local key = KEYS[1] .. ARGV[1]
if redis.call('EXISTS', key) == 0 then
  return {'notfound'}
end
redis.call('HSET', key, 'flag', ARGV[2], 'updated', ARGV[3])
return {'ok'}
