-- GetPositionsAsync: each queued job's rank among ready jobs of its queue and type (exact, O(log n)) with
-- the measured mean duration of that queue and type, and the online workers once, from which the caller
-- computes the ETAs. arg: ids (JSON array), worker TTL ms.
-- Replies { { { id, rank, mean ms or '', queue, type }... }, { { worker fields }... } }; jobs that are
-- unknown or not queued are left out.
local entries = {}
for _, id in ipairs(cjson.decode(arg(1))) do
  local j = load_job(id)
  if j and j.state == 'queued' then
    local mean = redis.call('HGET', qk(j.queue, 'durations'), j.type) or ''
    entries[#entries + 1] = { id, redis.call('ZRANK', ready_key(j), ready_member(j)), mean, j.queue, j.type }
  end
end
local workers = {}
if #entries > 0 then
  for _, wid in ipairs(redis.call('ZRANGEBYSCORE', gk('workers'), int(NOW - tonumber(arg(2))), '+inf')) do
    workers[#workers + 1] = redis.call('HGETALL', gk('worker:' .. wid))
  end
end
return reply('ok', { entries, workers })
