-- SetQueuePausedAsync: a paused queue keeps accepting jobs but leases none; resuming wakes parked leases.
-- arg: queue, paused (1 or 0).
local queue = arg(1)
redis.call('SADD', gk('queues'), queue)
redis.call('HSET', qk(queue, 'queue'), 'paused', arg(2))
if arg(2) == '0' then ready_queues[queue] = true end
publish()
return reply('ok', redis.call('HGETALL', qk(queue, 'queue')))
