-- Prepended to claim.lua and reschedule.lua: the overlap check they share.
--
-- Live bookings are indexed by start only. A booking overlapping [s, e)
-- must start before e, and after s - span, where span (a per-therapist
-- key) is never less than the longest occupied span [start, end+buffer)
-- of any live booking; so only that short window of starts is read.

local function fmt(n)
  return string.format('%d', n)
end

-- conflict returns the id of a live booking, other than self, whose
-- occupied span meets [s, e), or nil.
local function conflict(prefix, live, spankey, s, e, self)
  local span = redis.call('GET', spankey)
  local min = '-inf' -- no span recorded: read every earlier start, never guess
  if span then
    min = '(' .. fmt(s - tonumber(span))
  end
  local ids = redis.call('ZRANGEBYSCORE', live, min, '(' .. fmt(e))
  for _, id in ipairs(ids) do
    if id ~= self then
      local f = redis.call('HMGET', prefix .. id, 'end', 'buffer')
      if tonumber(f[1]) + tonumber(f[2]) > s then
        return id
      end
    end
  end
  return nil
end

-- widen raises the recorded span so that conflict keeps seeing every
-- booking that might reach into a later window.
local function widen(spankey, span)
  local cur = redis.call('GET', spankey)
  if not cur or span > tonumber(cur) then
    redis.call('SET', spankey, fmt(span))
  end
end
