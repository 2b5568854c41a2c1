-- GetActivityAsync: each queue's activity minutes from a minute on. arg: since minute ms.
local minutes = {}
for _, queue in ipairs(redis.call('SMEMBERS', gk('queues'))) do
  for _, minute in ipairs(redis.call('ZRANGEBYSCORE', qk(queue, 'minutes'), arg(1), '+inf')) do
    minutes[#minutes + 1] = { queue, minute, redis.call('HGETALL', qk(queue, 'activity:' .. minute)) }
  end
end
return reply('ok', minutes)
