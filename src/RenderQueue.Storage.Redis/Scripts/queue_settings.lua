-- UpdateQueueSettingsAsync: a queue's settings live in its counter hash beside 'paused' (weight, max_running), so the
-- lease reads them with the counters it already reads. A queue with no jobs yet can be configured.
-- arg: queue, weight ('' keeps it), max_running ('' keeps it, 'none' removes the cap, else the cap).
local queue, weight, max_running = arg(1), arg(2), arg(3)
local key = qk(queue, 'queue')
redis.call('SADD', gk('queues'), queue)
if weight ~= '' then redis.call('HSET', key, 'weight', weight) end
if max_running == 'none' then
  redis.call('HDEL', key, 'max_running')
elseif max_running ~= '' then
  redis.call('HSET', key, 'max_running', max_running)
end
ready_queues[queue] = true -- a raised cap may let parked workers lease
publish()
return reply('ok', redis.call('HGETALL', key))
