-- Claim: the idempotency checks, the overlap check and the write happen
-- here in one script, so no other client can slip in between them.
--
-- KEYS[1] booking key prefix   KEYS[2] live (zset by start)
-- KEYS[3] all (zset by start)  KEYS[4] held (set)  KEYS[5] span
-- KEYS[6] run-time time off  KEYS[7] own calendars' busy copies
-- KEYS[8] the client's capped bookings (set of ids)
-- KEYS[9] pending (zset by creation: requests awaiting approval)
-- then, in this order and only when present: the dup key (email, type,
-- start) and the idempotency key.
-- ARGV[1] id  ARGV[2] start ms  ARGV[3] occupied end ms (end + buffer)
-- ARGV[4] now ms  ARGV[5] idempotency window ms  ARGV[6] dup window ms
-- ARGV[7] '1' if a dup key is given  ARGV[8] '1' if an idempotency key is
-- given  ARGV[9] the start's local date ('' checks no time off; part-day
-- time off is checked against the record's start and end)
-- ARGV[10] the client's cap (0: not capped, not counted)  ARGV[11] how
-- many own-calendar feed keys follow, then those keys, then the booking's
-- HSET field/value pairs (status 'pending' makes a request awaiting
-- approval, else 'held')
-- Returns {'ok', 0, HGETALL} for a repeat, {'ok', 1} for a new booking
-- (the caller has its fields: they are what was just written to a new
-- key), {'taken'}, {'off'}, {'busy'} or {'keyreused'} or {'capped'}.

local prefix, live, all, held, spankey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, start, occend, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cap, nfeeds = tonumber(ARGV[10]), tonumber(ARGV[11])
local feeds = {}
for i = 1, nfeeds do
  feeds[i] = ARGV[11 + i]
end
-- The new record's field/value pairs start here.
local first = 12 + nfeeds
-- recfield is a field of the new record, to compare a repeat with (read
-- only when there may be one).
local function recfield(name)
  for i = first, #ARGV, 2 do
    if ARGV[i] == name then
      return ARGV[i + 1]
    end
  end
  return nil
end
local idemkey, dupkey
local n = 10
if ARGV[7] == '1' then
  dupkey, n = KEYS[n], n + 1
end
if ARGV[8] == '1' then
  idemkey = KEYS[n]
end

local function found(bid)
  return {'ok', 0, redis.call('HGETALL', prefix .. bid)}
end

-- A repeat with the same idempotency key gets the first booking back,
-- whatever has happened to it since, as long as it still exists; but only
-- for the client who made it: the same key with another email is refused
-- without a word about the booking it names.
if idemkey then
  local bid = redis.call('GET', idemkey)
  if bid then
    local f = redis.call('HMGET', prefix .. bid, 'created', 'email')
    if f[1] and now - tonumber(f[1]) < tonumber(ARGV[5]) then
      if string.lower(f[2]) ~= string.lower(recfield('email') or '') then
        return {'keyreused'}
      end
      return found(bid)
    end
  end
end

-- A double submit (the same request: email, name, type and start, shortly
-- after) gets the first booking too, but only while it still holds that
-- very slot: after a cancel or a move the client means a new booking. One
-- who knows only a client's email and time gets no answer about it.
if dupkey then
  local bid = redis.call('GET', dupkey)
  if bid then
    local f = redis.call('HMGET', prefix .. bid, 'created', 'status', 'start', 'name')
    if f[1] and now - tonumber(f[1]) < tonumber(ARGV[6])
        and f[2] ~= 'cancelled' and tonumber(f[3]) == start and f[4] == recfield('name') then
      if idemkey then
        redis.call('SET', idemkey, bid, 'PX', ARGV[5])
      end
      return found(bid)
    end
  end
end

-- The id is made before the call; if it exists, this is the same call
-- retried after its reply was lost.
if redis.call('EXISTS', prefix .. id) == 1 then
  return found(id)
end

if conflict(prefix, live, spankey, start, occend, nil) then
  return {'taken'}
end
if timeoff(KEYS[6], ARGV[9], start, tonumber(recfield('end'))) then
  return {'off'}
end
if ownbusy(KEYS[7], feeds, start, occend) then
  return {'busy'}
end

-- The public intake's cap: the client's bookings still to come and not
-- cancelled. Past and cancelled ones leave the set as they are found.
if cap > 0 and upcoming(prefix, KEYS[8], now, true) >= cap then
  return {'capped'}
end

redis.call('HSET', prefix .. id, unpack(ARGV, first))
redis.call('ZADD', live, ARGV[2], id)
redis.call('ZADD', all, ARGV[2], id)
-- A request awaiting approval is live but not held: the sweep must not
-- confirm it; the pending index lets it find requests left unanswered.
if recfield('status') == 'pending' then
  redis.call('ZADD', KEYS[9], ARGV[4], id)
else
  redis.call('SADD', held, id)
end
if cap > 0 then
  redis.call('SADD', KEYS[8], id)
end
widen(spankey, occend - start)
if idemkey then
  redis.call('SET', idemkey, id, 'PX', ARGV[5])
end
if dupkey then
  redis.call('SET', dupkey, id, 'PX', ARGV[6])
end
return {'ok', 1}
