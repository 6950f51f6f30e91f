-- Attend records whether the client came, from the session's start on,
-- for a booking that is not cancelled. Recording it again overwrites it.
--
-- KEYS[1] booking key prefix
-- ARGV[1] id  ARGV[2] attendance  ARGV[3] now ms
-- Returns {'ok', changed (0|1), HGETALL}, {'notfound'}, {'notlive'} or
-- {'early'}.

local key = KEYS[1] .. ARGV[1]
local rec = redis.call('HMGET', key, 'status', 'start', 'attend')
if not rec[1] then
  return {'notfound'}
end
if rec[1] == 'cancelled' then
  return {'notlive'}
end
if tonumber(rec[2]) > tonumber(ARGV[3]) then
  return {'early'}
end
if rec[3] == ARGV[2] then
  return {'ok', 0, redis.call('HGETALL', key)}
end
redis.call('HSET', key, 'attend', ARGV[2], 'updated', ARGV[3])
return {'ok', 1, redis.call('HGETALL', key)}
