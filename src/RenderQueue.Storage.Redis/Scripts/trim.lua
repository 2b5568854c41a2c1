-- TrimHistoryAsync: drops change-feed events, activity minutes, workers and finished webhook deliveries older
-- than the horizon.
-- The feed is read from its oldest entry in pages, at most 50,000 entries per call, like the SQLite store.
-- arg: before ms.
local before = tonumber(arg(1))
local scanned, cut = 0, nil
while scanned < 50000 do
  local page = redis.call('XRANGE', gk('events'), cut and ('(' .. cut) or '-', '+', 'COUNT', 500)
  if #page == 0 then break end
  local stop = false
  for _, entry in ipairs(page) do
    local fields = entry[2]
    local at
    for k = 1, #fields, 2 do if fields[k] == 'at' then at = tonumber(fields[k + 1]) end end
    if at and at >= before then stop = true; break end
    cut = entry[1]
    scanned = scanned + 1
  end
  if stop or #page < 500 then break end
end
if cut then
  local seq = tonumber(string.match(cut, '^0%-(%d+)$'))
  redis.call('XTRIM', gk('events'), 'MINID', '0-' .. int(seq + 1))
end

for _, queue in ipairs(redis.call('SMEMBERS', gk('queues'))) do
  local minutes = qk(queue, 'minutes')
  for _, minute in ipairs(redis.call('ZRANGEBYSCORE', minutes, '-inf', '(' .. arg(1))) do
    redis.call('DEL', qk(queue, 'activity:' .. minute))
  end
  redis.call('ZREMRANGEBYSCORE', minutes, '-inf', '(' .. arg(1))
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('workers'), '-inf', '(' .. arg(1))) do
  redis.call('DEL', gk('worker:' .. id))
end
redis.call('ZREMRANGEBYSCORE', gk('workers'), '-inf', '(' .. arg(1))

-- Finished webhook deliveries are history; pending ones stay whatever their age, so none is ever skipped.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('wh:done'), '-inf', '(' .. arg(1), 'LIMIT', 0, 50000)) do
  local key = gk('wh:d:' .. id)
  local job = redis.call('HGET', key, 'job')
  if job then redis.call('ZREM', gk('wh:job:' .. job), id) end
  redis.call('DEL', key, key .. ':att')
  redis.call('ZREM', gk('wh:done'), id)
end
return reply('ok')
