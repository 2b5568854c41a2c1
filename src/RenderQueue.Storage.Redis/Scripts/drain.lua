-- RequestDrainAsync: the worker learns it from its next heartbeat. arg: id.
local key = gk('worker:' .. arg(1))
if redis.call('EXISTS', key) == 0 then return not_found() end
redis.call('HSET', key, 'drain_requested', '1')
return reply('ok', redis.call('HGETALL', key))
