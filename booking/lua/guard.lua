-- Prepended to claim.lua and reschedule.lua: the checks besides other
-- bookings, made in the same script so that time off or busy time written
-- at the same moment as a claim is either seen by it or written after it.

-- timeoff reports whether run-time time off (hash: id -> JSON) meets a
-- session from s to e (ms, its buffer left out): whole days ({"from",
-- "to"} of local dates, both included) by date (YYYY-MM-DD, the start's
-- date in the therapist's zone; ISO dates compare as strings), part-day
-- time off ({"start", "end"} in ms as well) by its span. date '' checks
-- nothing.
local function timeoff(key, date, s, e)
  if date == '' then
    return false
  end
  for _, v in ipairs(redis.call('HVALS', key)) do
    local o = cjson.decode(v)
    if o.start then
      if o.start < e and o['end'] > s then
        return true
      end
    elseif o.from <= date and date <= o.to then
      return true
    end
  end
  return false
end

-- ownbusy reports whether a stored copy of one of the therapist's own
-- calendars (hash: feed key -> JSON {"busy": [[start ms, end ms], ...]})
-- meets [s, e). Only the feeds named are read: those the configuration
-- lists.
local function ownbusy(key, feeds, s, e)
  if #feeds == 0 then
    return false
  end
  for _, v in ipairs(redis.call('HMGET', key, unpack(feeds))) do
    if v then
      local c = cjson.decode(v)
      if type(c.busy) == 'table' then
        for _, b in ipairs(c.busy) do
          if b[1] < e and b[2] > s then
            return true
          end
        end
      end
    end
  end
  return false
end

-- upcoming counts the client's bookings in the set key that are still to
-- come and not cancelled; with prune, the others leave the set.
local function upcoming(prefix, key, now, prune)
  local n = 0
  for _, bid in ipairs(redis.call('SMEMBERS', key)) do
    local f = redis.call('HMGET', prefix .. bid, 'status', 'start')
    if f[1] and f[1] ~= 'cancelled' and tonumber(f[2]) > now then
      n = n + 1
    elseif prune then
      redis.call('SREM', key, bid)
    end
  end
  return n
end
