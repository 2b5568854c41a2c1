-- GetStatsAsync and ListQueuesAsync: every queue's counter hash and the workers seen within the TTL.
-- Reads counters only, never jobs. arg: worker TTL ms.
local queues = {}
for _, queue in ipairs(redis.call('SMEMBERS', gk('queues'))) do
  queues[#queues + 1] = { queue, redis.call('HGETALL', qk(queue, 'queue')) }
end
local online = redis.call('ZCOUNT', gk('workers'), int(NOW - tonumber(arg(1))), '+inf')
return reply('ok', { online, queues })
