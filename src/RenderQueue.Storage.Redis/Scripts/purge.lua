-- PurgeFinishedAsync: deletes finished jobs that finished before the horizon, with every index entry,
-- and takes them off their queue's state counter (totals stay). arg: before ms, max. Replies with the ids.
local ids = redis.call('ZRANGEBYSCORE', gk('finished'), '-inf', '(' .. arg(1), 'LIMIT', 0, tonumber(arg(2)))
for _, id in ipairs(ids) do
  local j = load_job(id)
  for _, key in ipairs(state_keys(j, j.state)) do redis.call('ZREM', key, id) end
  redis.call('ZREM', gk('finished'), id)
  redis.call('ZREM', gk('all'), id)
  redis.call('HDEL', gk('jobs'), id)
  if present(j, 'idem') and redis.call('HGET', gk('idem'), j.idem) == id then redis.call('HDEL', gk('idem'), j.idem) end
  redis.call('DEL', job_key(j.queue, id))
  redis.call('HINCRBY', qk(j.queue, 'queue'), j.state, -1)
end
return reply('ok', ids)
