-- ListJobWebhookDeliveriesAsync: a job's deliveries, oldest first. arg: job id. Replies { fields, attempts } each.
local deliveries = {}
for _, id in ipairs(redis.call('ZRANGE', gk('wh:job:' .. arg(1)), 0, -1)) do
  local key = gk('wh:d:' .. id)
  deliveries[#deliveries + 1] = { redis.call('HGETALL', key), redis.call('LRANGE', key .. ':att', 0, -1) }
end
return reply('ok', deliveries)
