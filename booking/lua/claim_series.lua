-- ClaimSeries holds every occurrence of a standing series in one step:
-- each is checked against other live bookings (buffers included), the time
-- off added at run time and the therapist's own calendars, and then either
-- all are written or, when one is refused, none (unless the caller asked
-- to leave the refused weeks out).
--
-- KEYS[1] booking key prefix  KEYS[2] live  KEYS[3] all  KEYS[4] held
-- KEYS[5] span  KEYS[6] run-time time off  KEYS[7] own calendars' busy
-- copies  KEYS[8] the series record
-- ARGV[1] now ms  ARGV[2] '1' to leave refused weeks out  ARGV[3] n
-- occurrences  ARGV[4] k feed keys, then the k feed keys, then n times:
-- id, start ms, end ms, occupied end ms, local date, '1' when on a day
-- off of the configuration; then c, then c
-- field/value pairs every occurrence shares; then the series record's
-- field/value pairs.
-- Returns {'ok', created (0|1), series HGETALL} or {'refused', start ms…}.

local prefix, live, all, held, spankey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, skip, n, k = ARGV[1], ARGV[2] == '1', tonumber(ARGV[3]), tonumber(ARGV[4])

-- The same call retried after its reply was lost.
if redis.call('EXISTS', KEYS[8]) == 1 then
  return {'ok', 0, redis.call('HGETALL', KEYS[8])}
end

local feeds = {}
for i = 1, k do
  feeds[i] = ARGV[4 + i]
end
local at = 5 + k
local occ = {}
for i = 1, n do
  occ[i] = {id = ARGV[at], start = tonumber(ARGV[at + 1]), stop = ARGV[at + 2],
            occend = tonumber(ARGV[at + 3]), date = ARGV[at + 4], off = ARGV[at + 5] == '1',
            startarg = ARGV[at + 1]}
  at = at + 6
end
local c = tonumber(ARGV[at])
local shared = {}
for i = at + 1, at + 2 * c do
  shared[#shared + 1] = ARGV[i]
end
at = at + 2 * c + 1

local free, refused = {}, {}
for _, o in ipairs(occ) do
  if o.off or conflict(prefix, live, spankey, o.start, o.occend, nil)
      or timeoff(KEYS[6], o.date, o.start, tonumber(o.stop)) or ownbusy(KEYS[7], feeds, o.start, o.occend) then
    refused[#refused + 1] = o.startarg
  else
    free[#free + 1] = o
  end
end
if #free == 0 or (#refused > 0 and not skip) then
  return {'refused', unpack(refused)}
end

local ids = {}
for _, o in ipairs(free) do
  local key = prefix .. o.id
  redis.call('HSET', key, unpack(shared))
  redis.call('HSET', key, 'id', o.id, 'start', o.startarg, 'end', o.stop, 'orig', o.startarg, 'created', now, 'updated', now)
  redis.call('ZADD', live, o.startarg, o.id)
  redis.call('ZADD', all, o.startarg, o.id)
  redis.call('SADD', held, o.id)
  widen(spankey, o.occend - o.start)
  ids[#ids + 1] = o.id
end
local record = {}
for i = at, #ARGV do
  record[#record + 1] = ARGV[i]
end
redis.call('HSET', KEYS[8], unpack(record))
redis.call('HSET', KEYS[8], 'occurrences', table.concat(ids, ','), 'skipped', table.concat(refused, ','),
  'created', now, 'updated', now)
return {'ok', 1, redis.call('HGETALL', KEYS[8])}
