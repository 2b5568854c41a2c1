-- ListWorkersAsync: every registered worker's fields.
local workers = {}
for _, id in ipairs(redis.call('ZRANGE', gk('workers'), 0, -1)) do
  workers[#workers + 1] = redis.call('HGETALL', gk('worker:' .. id))
end
return reply('ok', workers)
